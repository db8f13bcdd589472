"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

import { Select } from "@/components/ui/select";
import { idleFormState, type FormState } from "@/lib/forms";

export interface OrgOption {
  id: string;
  name: string;
  role: string;
}

export function OrgSwitcher({
  orgs,
  currentId,
  action,
  label,
}: {
  orgs: OrgOption[];
  currentId: string;
  /** "Organization", in the page's locale (the select's accessible name). */
  label: string;
  action: (prev: FormState, formData: FormData) => Promise<FormState>;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);

  return (
    <div className="flex items-center gap-2">
      <Select
        aria-label={label}
        data-test="org-switcher"
        value={currentId}
        disabled={pending}
        className="h-9 max-w-56"
        options={orgs.map((org) => ({ value: org.id, label: org.name }))}
        onValueChange={(orgId) =>
          startTransition(async () => {
            const form = new FormData();
            form.set("orgId", orgId);
            const result = await action(idleFormState, form);
            setError(result.status === "error" ? result.message : null);
            router.refresh();
          })
        }
      />
      {error ? (
        <span role="alert" className="text-xs text-red-600">
          {error}
        </span>
      ) : null}
    </div>
  );
}
