"use client";

import { ActionForm } from "@/components/ui/action-form";
import { FieldError } from "@/components/ui/form-message";
import type { FormState } from "@/lib/forms";

export function FileUploadForm({
  action,
  orgId,
  recordId,
}: {
  action: (prev: FormState, formData: FormData) => Promise<FormState>;
  orgId: string;
  recordId: string;
}) {
  return (
    <ActionForm
      action={action}
      hidden={{ orgId, recordId }}
      submitLabel="Upload"
      pendingLabel="Uploading…"
      submitVariant="secondary"
      resetOnSuccess
      className="space-y-2"
      data-test="file-upload-form"
    >
      {(state) => (
        <div>
          <label htmlFor="file" className="sr-only">
            File
          </label>
          <input
            id="file"
            name="file"
            type="file"
            required
            className="block w-full text-sm text-slate-600 file:mr-3 file:rounded-md file:border-0 file:bg-brand-50 file:px-3 file:py-2 file:text-sm file:font-medium file:text-brand-700"
          />
          <FieldError state={state} name="file" />
        </div>
      )}
    </ActionForm>
  );
}
