"use client";

import { useActionState } from "react";

import { Button } from "@/components/ui/button";
import { FieldError, FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
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
  const fieldErrors = state.status === "error" ? state.fieldErrors : undefined;
  return (
    <form action={formAction} className="space-y-4" noValidate data-test={testId}>
      <input type="hidden" name="locale" value={locale} />
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {askName ? (
        <div>
          <Label htmlFor="displayName">{labels.displayName}</Label>
          <Input
            id="displayName"
            name="displayName"
            autoComplete="name"
            invalid={!!fieldErrors?.displayName}
          />
          <FieldError state={state} name="displayName" />
        </div>
      ) : null}
      <div>
        <Label htmlFor="password">{labels.password}</Label>
        <Input
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          invalid={!!fieldErrors?.password}
          aria-describedby={fieldErrors?.password ? "password-error" : undefined}
        />
        <FieldError state={state} name="password" />
      </div>
      <div>
        <Label htmlFor="confirm">{labels.confirm}</Label>
        <Input
          id="confirm"
          name="confirm"
          type="password"
          autoComplete="new-password"
          required
          invalid={!!fieldErrors?.confirm}
          aria-describedby={fieldErrors?.confirm ? "confirm-error" : undefined}
        />
        <FieldError state={state} name="confirm" />
      </div>
      <FormMessage state={state} />
      <Button type="submit" className="w-full" disabled={pending} data-test="new-password-submit">
        {pending ? labels.pending : labels.submit}
      </Button>
    </form>
  );
}
