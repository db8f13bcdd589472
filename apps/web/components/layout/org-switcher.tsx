"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
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
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  // A page showing another of the user's organizations (/usage?org=) shows it here too.
  const fromUrl = searchParams.get("org");
  const shownId = fromUrl && orgs.some((org) => org.id === fromUrl) ? fromUrl : currentId;

  return (
    <div className="flex items-center gap-2">
      <Select
        aria-label={label}
        data-test="org-switcher"
        value={shownId}
        disabled={pending}
        className="h-9 max-w-56"
        options={orgs.map((org) => ({ value: org.id, label: org.name }))}
        onValueChange={(orgId) =>
          startTransition(async () => {
            const form = new FormData();
            form.set("orgId", orgId);
            const result = await action(idleFormState, form);
            setError(result.status === "error" ? result.message : null);
            // The page follows the chosen organization: drop the URL's organization and its member
            // (the navigation renders the page again; otherwise a refresh does).
            if (result.status !== "error" && (searchParams.has("org") || searchParams.has("member"))) {
              const next = new URLSearchParams(searchParams);
              next.delete("org");
              next.delete("member");
              const query = next.toString();
              router.replace(query ? `${pathname}?${query}` : pathname);
            } else {
              router.refresh();
            }
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
