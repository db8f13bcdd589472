"use client";

import { ActionForm } from "@/components/ui/action-form";
import { FieldError } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { FormState } from "@/lib/forms";

export function ChangeEmailForm({
  action,
  locale,
  labels,
}: {
  action: (prev: FormState, formData: FormData) => Promise<FormState>;
  locale: string;
  labels: { email: string; submit: string; pending: string };
}) {
  return (
    <ActionForm
      action={action}
      hidden={{ locale }}
      submitLabel={labels.submit}
      pendingLabel={labels.pending}
      resetOnSuccess
      className="space-y-3"
      data-test="change-email-form"
    >
      {(state) => (
        <div>
          <Label htmlFor="new-email">{labels.email}</Label>
          <Input
            id="new-email"
            name="email"
            type="email"
            autoComplete="email"
            required
            className="max-w-sm"
            invalid={state.status === "error" && !!state.fieldErrors?.email}
          />
          <FieldError state={state} name="email" />
        </div>
      )}
    </ActionForm>
  );
}
