import Link from "next/link";

import { signOutAction } from "@/app/[locale]/(auth)/actions";
import { switchOrgAction } from "@/app/[locale]/(app)/org-actions";
import { Button } from "@/components/ui/button";
import type { Locale } from "@/lib/i18n/config";
import type { Dictionary } from "@/lib/i18n/dictionaries";

import { LanguageSwitcher } from "./language-switcher";
import { OrgSwitcher, type OrgOption } from "./org-switcher";

const links = [
  { href: "records", label: "records" },
  { href: "automations", label: "automations" },
  { href: "settings/team", label: "team" },
  { href: "settings/api-keys", label: "apiKeys" },
  { href: "settings/plan", label: "plan" },
] as const satisfies readonly { href: string; label: keyof Dictionary["nav"] }[];

export function AppHeader({
  locale,
  email,
  appName,
  labels,
  orgs,
  currentOrgId,
}: {
  locale: Locale;
  email: string;
  appName: string;
  labels: Dictionary["nav"];
  orgs: OrgOption[];
  currentOrgId: string | null;
}) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-x-4 gap-y-2 px-4 py-2">
        <div className="flex min-w-0 items-center gap-4">
          <Link href={`/${locale}`} className="font-semibold tracking-tight text-brand-700">
            {appName}
          </Link>
          {currentOrgId ? (
            <OrgSwitcher
              orgs={orgs}
              currentId={currentOrgId}
              action={switchOrgAction}
              label={labels.organization}
            />
          ) : null}
        </div>
        <div className="flex min-w-0 items-center gap-3">
          <span className="hidden truncate text-sm text-slate-600 sm:inline" data-test="header-email">
            {email}
          </span>
          <LanguageSwitcher locale={locale} label={labels.language} />
          <form action={signOutAction}>
            <input type="hidden" name="locale" value={locale} />
            <Button type="submit" variant="secondary" size="sm" data-test="sign-out">
              {labels.signOut}
            </Button>
          </form>
        </div>
      </div>
      <nav
        className="mx-auto flex max-w-6xl gap-1 overflow-x-auto px-2 pb-1 text-sm"
        aria-label={labels.main}
      >
        {links.map((link) => (
          <Link
            key={link.href}
            href={`/${locale}/${link.href}`}
            className="rounded-md px-3 py-1.5 whitespace-nowrap text-slate-600 hover:bg-slate-100 hover:text-slate-900"
          >
            {labels[link.label]}
          </Link>
        ))}
      </nav>
    </header>
  );
}
