"use client";

import { useActionState, useRef } from "react";

import { FormMessage } from "@/components/ui/form-message";
import { idleFormState, type FormState } from "@/lib/forms";

/** A role dropdown that submits on change. */
export function MemberRoleForm({
  action,
  orgId,
  userId,
  role,
  disabled,
}: {
  action: (prev: FormState, formData: FormData) => Promise<FormState>;
  orgId: string;
  userId: string;
  role: string;
  disabled?: boolean;
}) {
  const [state, formAction, pending] = useActionState(action, idleFormState);
  const formRef = useRef<HTMLFormElement>(null);
  return (
    <form ref={formRef} action={formAction} className="flex items-center gap-2">
      <input type="hidden" name="orgId" value={orgId} />
      <input type="hidden" name="userId" value={userId} />
      <label className="sr-only" htmlFor={`role-${userId}`}>
        Role
      </label>
      <select
        id={`role-${userId}`}
        name="role"
        defaultValue={role}
        disabled={disabled || pending}
        onChange={() => formRef.current?.requestSubmit()}
        className="h-8 rounded-md border border-slate-300 bg-white px-2 text-sm disabled:bg-slate-50 disabled:text-slate-500"
        data-test="member-role"
      >
        <option value="owner">owner</option>
        <option value="admin">admin</option>
        <option value="member">member</option>
      </select>
      {state.status === "error" ? <FormMessage state={state} /> : null}
    </form>
  );
}
