import type { z } from "zod";

/** The state a form's server action returns to `useActionState`. */
export type FormState =
  | { status: "idle" }
  | { status: "error"; message: string; fieldErrors?: Record<string, string> }
  | { status: "success"; message: string; data?: Record<string, string> };

export const idleFormState: FormState = { status: "idle" };

/** Turns a zod error into a form state: the first message per field, and one summary line. */
export function formErrorFromZod(error: z.ZodError): FormState {
  const fieldErrors: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "form";
    fieldErrors[key] ??= issue.message;
  }
  return { status: "error", message: error.issues[0]?.message ?? "Check the form.", fieldErrors };
}
