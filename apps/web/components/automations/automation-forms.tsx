"use client";

import { ActionForm } from "@/components/ui/action-form";
import { FieldError } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { FormState } from "@/lib/forms";
import type { Dictionary } from "@/lib/i18n/dictionaries";

type Action = (prev: FormState, formData: FormData) => Promise<FormState>;

const selectClass = "h-10 w-full rounded-md border border-slate-300 bg-surface px-3 text-sm";

export function CreateAutomationForm({
  action,
  orgId,
  labels,
}: {
  action: Action;
  orgId: string;
  labels: Dictionary["automations"]["form"];
}) {
  return (
    <ActionForm
      action={action}
      hidden={{ orgId }}
      submitLabel={labels.submit}
      pendingLabel={labels.pending}
      resetOnSuccess
      className="space-y-3"
      data-test="create-automation-form"
    >
      {(state) => (
        <>
          <div>
            <Label htmlFor="automation-name">{labels.name}</Label>
            <Input
              id="automation-name"
              name="name"
              required
              maxLength={80}
              placeholder={labels.namePlaceholder}
            />
            <FieldError state={state} name="name" />
          </div>
          <fieldset className="space-y-2 rounded-md border border-slate-200 p-3">
            <legend className="px-1 text-xs font-medium text-slate-500">{labels.matching}</legend>
            <div>
              <Label htmlFor="filterTag">{labels.tagged}</Label>
              <Input id="filterTag" name="filterTag" placeholder={labels.taggedPlaceholder} />
              <FieldError state={state} name="filterTag" />
            </div>
            <div>
              <Label htmlFor="titleContains">{labels.titleContains}</Label>
              <Input id="titleContains" name="titleContains" placeholder={labels.titleContainsPlaceholder} />
              <FieldError state={state} name="titleContains" />
            </div>
          </fieldset>
          <div className="grid grid-cols-2 gap-2">
            <div>
              <Label htmlFor="automation-action">{labels.then}</Label>
              <select id="automation-action" name="action" defaultValue="tag" className={selectClass}>
                <option value="tag">{labels.actionTag}</option>
                <option value="archive">{labels.actionArchive}</option>
              </select>
            </div>
            <div>
              <Label htmlFor="automation-tag">{labels.tagToAdd}</Label>
              <Input id="automation-tag" name="tag" placeholder={labels.tagToAddPlaceholder} />
              <FieldError state={state} name="tag" />
            </div>
          </div>
        </>
      )}
    </ActionForm>
  );
}

export function CreateScheduleForm({
  action,
  orgId,
  automationId,
  labels,
}: {
  action: Action;
  orgId: string;
  automationId: string;
  labels: Dictionary["automation"]["scheduleForm"];
}) {
  return (
    <ActionForm
      action={action}
      hidden={{ orgId, automationId }}
      submitLabel={labels.submit}
      pendingLabel={labels.pending}
      resetOnSuccess
      className="space-y-3"
      data-test="create-schedule-form"
    >
      {(state) => (
        <div>
          <Label htmlFor="cron">{labels.cron}</Label>
          <Input id="cron" name="cron" required placeholder="0 9 * * 1" className="font-mono" />
          <p className="mt-1 text-xs text-slate-500">{labels.hint}</p>
          <FieldError state={state} name="cron" />
        </div>
      )}
    </ActionForm>
  );
}
