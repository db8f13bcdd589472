"use client";

import { useActionState, useRef } from "react";

import { FormMessage } from "@/components/ui/form-message";
import { idleFormState, type FormState } from "@/lib/forms";
import type { Dictionary } from "@/lib/i18n/dictionaries";

/** A role dropdown that submits on change. */
export function MemberRoleForm({
  action,
  orgId,
  userId,
  role,
  disabled,
  locale,
  labels,
}: {
  action: (prev: FormState, formData: FormData) => Promise<FormState>;
  orgId: string;
  userId: string;
  role: string;
  disabled?: boolean;
  locale: string;
  labels: { role: string; roles: Dictionary["roles"] };
}) {
  const [state, formAction, pending] = useActionState(action, idleFormState);
  const formRef = useRef<HTMLFormElement>(null);
  return (
    <form ref={formRef} action={formAction} className="flex items-center gap-2">
      <input type="hidden" name="orgId" value={orgId} />
      <input type="hidden" name="userId" value={userId} />
      <input type="hidden" name="locale" value={locale} />
      <label className="sr-only" htmlFor={`role-${userId}`}>
        {labels.role}
      </label>
      <select
        id={`role-${userId}`}
        name="role"
        defaultValue={role}
        disabled={disabled || pending}
        onChange={() => formRef.current?.requestSubmit()}
        className="h-8 rounded-md border border-slate-300 bg-surface px-2 text-sm disabled:bg-slate-50 disabled:text-slate-500"
        data-test="member-role"
      >
        <option value="owner">{labels.roles.owner}</option>
        <option value="admin">{labels.roles.admin}</option>
        <option value="member">{labels.roles.member}</option>
      </select>
      {state.status === "error" ? <FormMessage state={state} /> : null}
    </form>
  );
}
