import "server-only";

import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";

import {
  requireAuth,
  requireOrgRole,
  type AuthContext,
  type OrgContext,
  type OrgRole,
} from "@/lib/auth/server";
import { isAppError } from "@/lib/errors";
import { formErrorFromZod, type FormState } from "@/lib/forms";

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

function toFormState(error: unknown): FormState {
  unstable_rethrow(error); // redirect() and notFound() are control flow, not failures
  if (isAppError(error)) return { status: "error", message: error.message };
  console.error("[action] unexpected failure", error);
  return { status: "error", message: "Something went wrong on our side. Try again in a moment." };
}

/**
 * The one wrapper for form server actions: parses the form with zod, checks the caller is signed
 * in, and turns AppErrors into a message under the form. Handler bodies are only their business.
 */
export function authedAction<S extends z.ZodType>(
  schema: S,
  handler: (input: z.output<S>, ctx: AuthContext) => Promise<FormState | void>,
): FormActionFn {
  return async (_prev, formData) => {
    try {
      const parsed = schema.safeParse(formDataToObject(formData));
      if (!parsed.success) return formErrorFromZod(parsed.error);
      const ctx = await requireAuth();
      return (await handler(parsed.data, ctx)) ?? { status: "success", message: "Done." };
    } catch (error) {
      return toFormState(error);
    }
  };
}

/** Like authedAction, for input that names an organization (`orgId`): requires one of `roles` there. */
export function orgAction<S extends z.ZodType<{ orgId: string }>>(
  schema: S,
  roles: readonly OrgRole[],
  handler: (input: z.output<S>, ctx: OrgContext) => Promise<FormState | void>,
): FormActionFn {
  return async (_prev, formData) => {
    try {
      const parsed = schema.safeParse(formDataToObject(formData));
      if (!parsed.success) return formErrorFromZod(parsed.error);
      const ctx = await requireOrgRole(parsed.data.orgId, roles);
      return (await handler(parsed.data, ctx)) ?? { status: "success", message: "Done." };
    } catch (error) {
      return toFormState(error);
    }
  };
}
