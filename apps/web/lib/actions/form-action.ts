import "server-only";

import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";

import {
  isPlatformAdmin,
  requireAuth,
  requireOrgRole,
  type AuthContext,
  type OrgContext,
  type OrgRole,
} from "@/lib/auth/server";
import { AppError, isAppError } from "@/lib/errors";
import { formErrorFromZod, type FormState } from "@/lib/forms";
import { findUnsafeText } from "@/lib/validation/text";

type FormActionFn = (prev: FormState, formData: FormData) => Promise<FormState>;

/** FormData as a plain object for zod: repeated names become arrays, files stay files. */
export function formDataToObject(
  formData: FormData,
): Record<string, FormDataEntryValue | FormDataEntryValue[]> {
  const out: Record<string, FormDataEntryValue | FormDataEntryValue[]> = {};
  for (const key of new Set(formData.keys())) {
    if (key.startsWith("$ACTION")) continue;
    const values = formData.getAll(key);
    out[key] = values.length === 1 ? (values[0] as FormDataEntryValue) : values;
  }
  return out;
}

/**
 * A form error for the first field whose text Postgres cannot store (a NUL or an unpaired
 * surrogate in a value, a repeated value, a file name or a field name), or null when all is storable.
 */
export function unsafeFormInput(formData: FormData): FormState | null {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(formDataToObject(formData))) {
    const list = Array.isArray(value) ? value : [value];
    const texts = list.map((entry) => (typeof entry === "string" ? entry : entry.name));
    values[key] = Array.isArray(value) ? texts : texts[0];
  }
  const found = findUnsafeText(values);
  if (!found) return null;
  const field = String(found.segments[0] ?? "form");
  const message = `This field ${found.problem.replace(/^key /, "name ")}, which cannot be stored.`;
  return { status: "error", message, fieldErrors: { [field]: message } };
}

function toFormState(error: unknown): FormState {
  unstable_rethrow(error); // redirect() and notFound() are control flow, not failures
  if (isAppError(error)) return { status: "error", message: error.message };
  console.error("[action] unexpected failure", error);
  return { status: "error", message: "Something went wrong on our side. Try again in a moment." };
}

/** Runs a form action's steps: refuse unstorable text, parse, authorize, run, map errors. */
function formAction<S extends z.ZodType, C>(
  schema: S,
  authorize: (input: z.output<S>) => Promise<C>,
  handler: (input: z.output<S>, ctx: C) => Promise<FormState | void>,
): FormActionFn {
  return async (_prev, formData) => {
    try {
      const unsafe = unsafeFormInput(formData);
      if (unsafe) return unsafe;
      const parsed = schema.safeParse(formDataToObject(formData));
      if (!parsed.success) return formErrorFromZod(parsed.error);
      const ctx = await authorize(parsed.data);
      return (await handler(parsed.data, ctx)) ?? { status: "success", message: "Done." };
    } catch (error) {
      return toFormState(error);
    }
  };
}

/** For forms anyone may send (sign-in, sign-up): the same parsing and error mapping, no session. */
export function publicAction<S extends z.ZodType>(
  schema: S,
  handler: (input: z.output<S>) => Promise<FormState | void>,
): FormActionFn {
  return formAction(
    schema,
    async () => undefined,
    (input) => handler(input),
  );
}

/**
 * The one wrapper for form server actions: parses the form with zod, checks the caller is signed
 * in, and turns AppErrors into a message under the form. Handler bodies are only their business.
 */
export function authedAction<S extends z.ZodType>(
  schema: S,
  handler: (input: z.output<S>, ctx: AuthContext) => Promise<FormState | void>,
): FormActionFn {
  return formAction(schema, () => requireAuth(), handler);
}

/**
 * For the platform console's actions: a signed-in platform admin, or the same "not found" any
 * other caller gets for the console itself (its existence is not advertised).
 */
export function adminAction<S extends z.ZodType>(
  schema: S,
  handler: (input: z.output<S>, ctx: AuthContext) => Promise<FormState | void>,
): FormActionFn {
  return async (prev, formData) => {
    // Who is asking comes before the input: a non-admin learns nothing about the action's fields.
    let ctx: AuthContext;
    try {
      ctx = await requireAuth();
      if (!isPlatformAdmin(ctx.user)) throw new AppError("not_found", "Not found.");
    } catch (error) {
      return toFormState(error);
    }
    return formAction(schema, async () => ctx, handler)(prev, formData);
  };
}

/** Like authedAction, for input that names an organization (`orgId`): requires one of `roles` there. */
export function orgAction<S extends z.ZodType<{ orgId: string }>>(
  schema: S,
  roles: readonly OrgRole[],
  handler: (input: z.output<S>, ctx: OrgContext) => Promise<FormState | void>,
): FormActionFn {
  return formAction(schema, (input) => requireOrgRole(input.orgId, roles), handler);
}
