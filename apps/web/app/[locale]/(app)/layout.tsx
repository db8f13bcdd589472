import { notFound } from "next/navigation";
import type { ReactNode } from "react";

import { AppHeader } from "@/components/layout/app-header";
import { requireAuth } from "@/lib/auth/server";
import { isLocale } from "@/lib/i18n/config";
import { getDictionary } from "@/lib/i18n/dictionaries";
import { getCurrentOrg } from "@/lib/orgs/current";
import { logUserActive } from "@/lib/usage/logging";
import { listOpenNotifications } from "@/lib/usage/queries";
import { readTheme } from "@/lib/theme";

export default async function AppLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ locale: string }>;
}) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const ctx = await requireAuth({ locale });
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
      />
      <main className="mx-auto max-w-6xl px-4 py-8">{children}</main>
    </div>
  );
}
