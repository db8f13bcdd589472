"use client";

import { ActionForm } from "@/components/ui/action-form";
import { FieldError } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { FormState } from "@/lib/forms";

type Action = (prev: FormState, formData: FormData) => Promise<FormState>;

const selectClass = "h-10 w-full rounded-md border border-slate-300 bg-white px-3 text-sm";

export function CreateAutomationForm({ action, orgId }: { action: Action; orgId: string }) {
  return (
    <ActionForm
      action={action}
      hidden={{ orgId }}
      submitLabel="Create automation"
      resetOnSuccess
      className="space-y-3"
      data-test="create-automation-form"
    >
      {(state) => (
        <>
          <div>
            <Label htmlFor="automation-name">Name</Label>
            <Input
              id="automation-name"
              name="name"
              required
              maxLength={80}
              placeholder="Archive old drafts"
            />
            <FieldError state={state} name="name" />
          </div>
          <fieldset className="space-y-2 rounded-md border border-slate-200 p-3">
            <legend className="px-1 text-xs font-medium text-slate-500">Records that match</legend>
            <div>
              <Label htmlFor="filterTag">Tagged</Label>
              <Input id="filterTag" name="filterTag" placeholder="any tag" />
              <FieldError state={state} name="filterTag" />
            </div>
            <div>
              <Label htmlFor="titleContains">Title contains</Label>
              <Input id="titleContains" name="titleContains" placeholder="anything" />
              <FieldError state={state} name="titleContains" />
            </div>
          </fieldset>
          <div className="grid grid-cols-2 gap-2">
            <div>
              <Label htmlFor="automation-action">Then</Label>
              <select id="automation-action" name="action" defaultValue="tag" className={selectClass}>
                <option value="tag">add a tag</option>
                <option value="archive">archive them</option>
              </select>
            </div>
            <div>
              <Label htmlFor="automation-tag">Tag to add</Label>
              <Input id="automation-tag" name="tag" placeholder="reviewed" />
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
}: {
  action: Action;
  orgId: string;
  automationId: string;
}) {
  return (
    <ActionForm
      action={action}
      hidden={{ orgId, automationId }}
      submitLabel="Add schedule"
      resetOnSuccess
      className="space-y-3"
      data-test="create-schedule-form"
    >
      {(state) => (
        <div>
          <Label htmlFor="cron">Cron expression (UTC)</Label>
          <Input id="cron" name="cron" required placeholder="0 9 * * 1" className="font-mono" />
          <p className="mt-1 text-xs text-slate-500">minute hour day-of-month month day-of-week</p>
          <FieldError state={state} name="cron" />
        </div>
      )}
    </ActionForm>
  );
}
