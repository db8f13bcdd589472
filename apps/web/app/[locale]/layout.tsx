import "../globals.css";

import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { NuqsAdapter } from "nuqs/adapters/next/app";
import type { ReactNode } from "react";

import { defaultLocale, isLocale, locales } from "@/lib/i18n/config";
import { getDictionary } from "@/lib/i18n/dictionaries";
import { readTheme } from "@/lib/theme";

export async function generateMetadata({
  params,
}: {
  params: Promise<{ locale: string }>;
}): Promise<Metadata> {
  const { locale } = await params;
  const { meta } = getDictionary(isLocale(locale) ? locale : defaultLocale);
  return {
    title: { default: meta.appName, template: `%s · ${meta.appName}` },
    description: meta.description,
  };
}

export function generateStaticParams() {
  return locales.map((locale) => ({ locale }));
}

export default async function LocaleLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ locale: string }>;
}) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();

  const theme = await readTheme();

  return (
    <html lang={locale} className={theme === "system" ? undefined : theme}>
      <body className="min-h-screen">
        <NuqsAdapter>{children}</NuqsAdapter>
      </body>
    </html>
  );
}
