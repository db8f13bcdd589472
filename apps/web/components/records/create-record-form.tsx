"use client";

import { ActionForm } from "@/components/ui/action-form";
import { FieldError } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { FormState } from "@/lib/forms";
import type { Dictionary } from "@/lib/i18n/dictionaries";

export function CreateRecordForm({
  orgId,
  action,
  labels,
}: {
  orgId: string;
  action: (prev: FormState, formData: FormData) => Promise<FormState>;
  labels: Dictionary["records"]["form"];
}) {
  return (
    <ActionForm
      action={action}
      hidden={{ orgId }}
      submitLabel={labels.submit}
      pendingLabel={labels.pending}
      resetOnSuccess
      className="space-y-3"
      data-test="create-record-form"
    >
      {(state) => (
        <>
          <div>
            <Label htmlFor="title">{labels.title}</Label>
            <Input id="title" name="title" required maxLength={200} placeholder={labels.titlePlaceholder} />
            <FieldError state={state} name="title" />
          </div>
          <div>
            <Label htmlFor="body">{labels.body}</Label>
            <textarea
              id="body"
              name="body"
              rows={3}
              maxLength={20000}
              className="block w-full rounded-md border border-slate-300 bg-surface px-3 py-2 text-sm shadow-sm focus:ring-2 focus:ring-brand-500 focus:outline-none"
            />
            <FieldError state={state} name="body" />
          </div>
          <div>
            <Label htmlFor="tags">{labels.tags}</Label>
            <Input id="tags" name="tags" placeholder={labels.tagsPlaceholder} />
            <p className="mt-1 text-xs text-slate-500">{labels.tagsHint}</p>
            <FieldError state={state} name="tags" />
          </div>
        </>
      )}
    </ActionForm>
  );
}
