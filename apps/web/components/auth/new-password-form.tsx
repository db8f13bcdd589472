"use client";

import { useActionState } from "react";

import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";
import { TextField } from "@/components/ui/text-field";
import { idleFormState, type FormState } from "@/lib/forms";

/** A new password typed twice; invitees also give their name. */
export function NewPasswordForm({
  action,
  locale,
  hidden = {},
  askName = false,
  testId,
  labels,
}: {
  action: (prev: FormState, formData: FormData) => Promise<FormState>;
  locale: string;
  hidden?: Record<string, string>;
  askName?: boolean;
  testId: string;
  labels: { displayName: string; password: string; confirm: string; submit: string; pending: string };
}) {
  const [state, formAction, pending] = useActionState(action, idleFormState);
  return (
    <form action={formAction} className="space-y-4" noValidate data-test={testId}>
      <input type="hidden" name="locale" value={locale} />
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {askName ? (
        <TextField state={state} name="displayName" label={labels.displayName} autoComplete="name" />
      ) : null}
      <TextField
        state={state}
        name="password"
        label={labels.password}
        type="password"
        autoComplete="new-password"
        required
      />
      <TextField
        state={state}
        name="confirm"
        label={labels.confirm}
        type="password"
        autoComplete="new-password"
        required
      />
      <FormMessage state={state} />
      <Button type="submit" className="w-full" disabled={pending} data-test="new-password-submit">
        {pending ? labels.pending : labels.submit}
      </Button>
    </form>
  );
}
