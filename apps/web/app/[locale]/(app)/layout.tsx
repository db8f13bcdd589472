import { notFound } from "next/navigation";
import type { ReactNode } from "react";

import { AppShell } from "@/components/layout/app-shell";
import { requireAuth } from "@/lib/auth/server";
import { isLocale } from "@/lib/i18n/config";

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
  return (
    <AppShell ctx={ctx} locale={locale}>
      {children}
    </AppShell>
  );
}
