import type { ReactNode } from "react";

import type { AuthContext } from "@/lib/auth/server";
import { isPlatformAdmin } from "@/lib/auth/server";
import type { Locale } from "@/lib/i18n/config";
import { getDictionary } from "@/lib/i18n/dictionaries";
import { getCurrentOrg } from "@/lib/orgs/current";
import { readTheme } from "@/lib/theme";
import { logUserActive } from "@/lib/usage/logging";
import { listOpenNotifications } from "@/lib/usage/queries";

import { AppHeader } from "./app-header";

/**
 * The frame of every signed-in page: the header (organization switcher, alerts, theme, language)
 * and the main column. Counts the visit as the user's activity in the current organization.
 */
export async function AppShell({
  ctx,
  locale,
  children,
}: {
  ctx: AuthContext;
  locale: Locale;
  children: ReactNode;
}) {
  const { orgs, current } = await getCurrentOrg(ctx);
  logUserActive(ctx.user.id, current?.id ?? null);
  const t = getDictionary(locale);
  const manager = current?.role === "owner" || current?.role === "admin";
  const [alerts, theme] = await Promise.all([
    manager && current ? listOpenNotifications(current.id).then((list) => list.length) : Promise.resolve(0),
    readTheme(),
  ]);

  return (
    <div className="min-h-screen">
      <AppHeader
        locale={locale}
        email={ctx.user.email ?? ""}
        appName={t.meta.appName}
        labels={t.nav}
        orgs={orgs.map((org) => ({ id: org.id, name: org.name, role: org.role }))}
        currentOrgId={current?.id ?? null}
        alerts={alerts}
        theme={theme}
        platformAdmin={isPlatformAdmin(ctx.user)}
      />
      <main className="mx-auto max-w-6xl px-4 py-8">{children}</main>
    </div>
  );
}
