"use client";

import { ActionForm } from "@/components/ui/action-form";
import { FieldError } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { FormState } from "@/lib/forms";
import type { Dictionary } from "@/lib/i18n/dictionaries";

export function CreateApiKeyForm({
  action,
  orgId,
  labels,
}: {
  action: (prev: FormState, formData: FormData) => Promise<FormState>;
  orgId: string;
  labels: Dictionary["apiKeys"]["form"];
}) {
  return (
    <ActionForm
      action={action}
      hidden={{ orgId }}
      submitLabel={labels.submit}
      pendingLabel={labels.pending}
      resetOnSuccess
      className="space-y-3"
      data-test="create-api-key-form"
    >
      {(state) => (
        <>
          <div>
            <Label htmlFor="key-name">{labels.name}</Label>
            <Input id="key-name" name="name" required maxLength={80} placeholder={labels.namePlaceholder} />
            <FieldError state={state} name="name" />
          </div>
          {state.status === "success" && state.data?.secret ? (
            <div className="rounded-md border border-amber-300 bg-amber-50 p-3">
              <p className="text-xs font-medium text-amber-900">{labels.secret}</p>
              <code className="mt-1 block text-sm break-all text-slate-900" data-test="api-key-secret">
                {state.data.secret}
              </code>
            </div>
          ) : null}
        </>
      )}
    </ActionForm>
  );
}
