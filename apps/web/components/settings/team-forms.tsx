"use client";

import { ActionForm } from "@/components/ui/action-form";
import { FieldError } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { FormState } from "@/lib/forms";
import type { Dictionary } from "@/lib/i18n/dictionaries";

type Action = (prev: FormState, formData: FormData) => Promise<FormState>;

export function InviteForm({
  action,
  orgId,
  locale,
  canGrantOwner,
  labels,
}: {
  action: Action;
  orgId: string;
  locale: string;
  canGrantOwner: boolean;
  labels: Dictionary["team"]["inviteForm"] & { roles: Dictionary["roles"] };
}) {
  return (
    <ActionForm
      action={action}
      hidden={{ orgId, locale }}
      submitLabel={labels.submit}
      pendingLabel={labels.pending}
      resetOnSuccess
      className="space-y-3"
      data-test="invite-form"
    >
      {(state) => (
        <>
          <div>
            <Label htmlFor="invite-email">{labels.email}</Label>
            <Input id="invite-email" name="email" type="email" autoComplete="off" required />
            <FieldError state={state} name="email" />
          </div>
          <div>
            <Label htmlFor="invite-role">{labels.role}</Label>
            <select
              id="invite-role"
              name="role"
              defaultValue="member"
              className="h-10 w-full rounded-md border border-slate-300 bg-surface px-3 text-sm"
            >
              <option value="member">{labels.roles.member}</option>
              <option value="admin">{labels.roles.admin}</option>
              {canGrantOwner ? <option value="owner">{labels.roles.owner}</option> : null}
            </select>
          </div>
        </>
      )}
    </ActionForm>
  );
}

export function CreateOrgForm({
  action,
  labels,
}: {
  action: Action;
  labels: Dictionary["team"]["newOrgForm"];
}) {
  return (
    <ActionForm
      action={action}
      submitLabel={labels.submit}
      pendingLabel={labels.pending}
      resetOnSuccess
      className="space-y-3"
      data-test="create-org-form"
    >
      {(state) => (
        <div>
          <Label htmlFor="org-name">{labels.name}</Label>
          <Input id="org-name" name="name" required maxLength={80} />
          <FieldError state={state} name="name" />
        </div>
      )}
    </ActionForm>
  );
}
