import { notFound } from "next/navigation";
import type { ReactNode } from "react";

import { AppShell } from "@/components/layout/app-shell";
import { requireAdmin } from "@/lib/auth/server";
import { isLocale } from "@/lib/i18n/config";

/**
 * The platform console's frame. The admin check runs here, above the loading boundary, so that
 * everyone but platform admins gets a real 404 (and visitors a redirect to sign-in) before any of
 * the page is streamed.
 */
export default async function ConsoleLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ locale: string }>;
}) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const ctx = await requireAdmin({ locale });
  return (
    <AppShell ctx={ctx} locale={locale}>
      {children}
    </AppShell>
  );
}
