import Link from "next/link";

import { signOutAction } from "@/app/[locale]/(auth)/actions";
import { switchOrgAction } from "@/app/[locale]/(app)/org-actions";
import { Button } from "@/components/ui/button";
import type { Locale } from "@/lib/i18n/config";
import type { Dictionary } from "@/lib/i18n/dictionaries";
import { plural } from "@/lib/i18n/format";
import type { Theme } from "@/lib/theme-cookie";

import { LanguageSwitcher } from "./language-switcher";
import { OrgSwitcher, type OrgOption } from "./org-switcher";
import { ThemeToggle } from "./theme-toggle";

const links = [
  { href: "usage", label: "usage" },
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
  alerts,
  theme,
  platformAdmin,
}: {
  locale: Locale;
  email: string;
  appName: string;
  labels: Dictionary["nav"];
  orgs: OrgOption[];
  currentOrgId: string | null;
  /** Open limit alerts of the current organization (owners and admins; 0 for others). */
  alerts: number;
  theme: Theme;
  /** Platform admins also get the console link; nobody else learns it exists. */
  platformAdmin: boolean;
}) {
  return (
    <header className="border-b border-slate-200 bg-surface">
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
          {alerts > 0 ? (
            <Link
              href={`/${locale}/usage#alerts`}
              data-test="header-alerts"
              aria-label={plural(locale, labels.alerts, alerts)}
              title={plural(locale, labels.alerts, alerts)}
              className="inline-flex h-8 items-center gap-1 rounded-md bg-amber-50 px-2 text-xs font-semibold text-amber-900 ring-1 ring-amber-300"
            >
              <span aria-hidden>⚠</span>
              {alerts}
            </Link>
          ) : null}
          <ThemeToggle initial={theme} labels={labels.theme} />
          <LanguageSwitcher locale={locale} label={labels.language} />
          <form action={signOutAction}>
            <input type="hidden" name="locale" value={locale} />
            <Button type="submit" variant="secondary" size="sm" data-test="sign-out">
              {labels.signOut}
            </Button>
          </form>
        </div>
      </div>
      <nav className="mx-auto flex max-w-6xl flex-wrap gap-1 px-2 pb-1 text-sm" aria-label={labels.main}>
        {links.map((link) => (
          <Link
            key={link.href}
            href={`/${locale}/${link.href}`}
            className="rounded-md px-3 py-1.5 whitespace-nowrap text-slate-600 hover:bg-slate-100 hover:text-slate-900"
          >
            {labels[link.label]}
          </Link>
        ))}
        {platformAdmin ? (
          <Link
            href={`/${locale}/console/analytics`}
            data-test="nav-console"
            className="rounded-md px-3 py-1.5 whitespace-nowrap text-slate-600 hover:bg-slate-100 hover:text-slate-900"
          >
            {labels.console}
          </Link>
        ) : null}
      </nav>
    </header>
  );
}
