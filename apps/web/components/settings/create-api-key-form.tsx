"use client";

import { ActionForm } from "@/components/ui/action-form";
import { FieldError } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { FormState } from "@/lib/forms";

export function CreateApiKeyForm({
  action,
  orgId,
}: {
  action: (prev: FormState, formData: FormData) => Promise<FormState>;
  orgId: string;
}) {
  return (
    <ActionForm
      action={action}
      hidden={{ orgId }}
      submitLabel="Create key"
      resetOnSuccess
      className="space-y-3"
      data-test="create-api-key-form"
    >
      {(state) => (
        <>
          <div>
            <Label htmlFor="key-name">Name</Label>
            <Input id="key-name" name="name" required maxLength={80} placeholder="billing-service" />
            <FieldError state={state} name="name" />
          </div>
          {state.status === "success" && state.data?.secret ? (
            <div className="rounded-md border border-amber-300 bg-amber-50 p-3">
              <p className="text-xs font-medium text-amber-900">Secret (shown once)</p>
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
