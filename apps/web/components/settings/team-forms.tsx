"use client";

import { ActionForm } from "@/components/ui/action-form";
import { FieldError } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { FormState } from "@/lib/forms";

type Action = (prev: FormState, formData: FormData) => Promise<FormState>;

export function AddMemberForm({
  action,
  orgId,
  canGrantOwner,
}: {
  action: Action;
  orgId: string;
  canGrantOwner: boolean;
}) {
  return (
    <ActionForm
      action={action}
      hidden={{ orgId }}
      submitLabel="Add member"
      resetOnSuccess
      className="space-y-3"
      data-test="add-member-form"
    >
      {(state) => (
        <>
          <div>
            <Label htmlFor="member-email">Email</Label>
            <Input id="member-email" name="email" type="email" required />
            <FieldError state={state} name="email" />
          </div>
          <div>
            <Label htmlFor="member-role">Role</Label>
            <select
              id="member-role"
              name="role"
              defaultValue="member"
              className="h-10 w-full rounded-md border border-slate-300 bg-white px-3 text-sm"
            >
              <option value="member">member</option>
              <option value="admin">admin</option>
              {canGrantOwner ? <option value="owner">owner</option> : null}
            </select>
          </div>
        </>
      )}
    </ActionForm>
  );
}

export function CreateOrgForm({ action }: { action: Action }) {
  return (
    <ActionForm
      action={action}
      submitLabel="Create organization"
      resetOnSuccess
      className="space-y-3"
      data-test="create-org-form"
    >
      {(state) => (
        <div>
          <Label htmlFor="org-name">Name</Label>
          <Input id="org-name" name="name" required maxLength={80} />
          <FieldError state={state} name="name" />
        </div>
      )}
    </ActionForm>
  );
}
