"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

import { Select } from "@/components/ui/select";

export interface OrgOption {
  id: string;
  name: string;
  role: string;
}

export function OrgSwitcher({
  orgs,
  currentId,
  action,
}: {
  orgs: OrgOption[];
  currentId: string;
  action: (orgId: string) => Promise<{ ok: boolean; message?: string }>;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);

  return (
    <div className="flex items-center gap-2">
      <Select
        aria-label="Organization"
        data-test="org-switcher"
        value={currentId}
        disabled={pending}
        className="h-9 max-w-56"
        options={orgs.map((org) => ({ value: org.id, label: org.name }))}
        onValueChange={(orgId) =>
          startTransition(async () => {
            const result = await action(orgId);
            setError(result.ok ? null : (result.message ?? "Could not switch."));
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
