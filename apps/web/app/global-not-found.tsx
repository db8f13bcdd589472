import "./globals.css";

import type { Metadata } from "next";

import { NotFoundContent } from "@/components/layout/not-found-content";
import { getDictionary } from "@/lib/i18n/dictionaries";
import { requestLocale } from "@/lib/i18n/request";

// URLs no route matches (`/en/does/not/exist`). Without this file Next.js serves a 404 page it
// prerendered at build time, whose scripts carry no CSP nonce, so the browser blocks them. Reading
// the request (requestLocale) renders this page per request, with the nonce proxy.ts made, and in
// the locale the URL starts with. It replaces the root layout, hence <html> and the stylesheet.

export async function generateMetadata(): Promise<Metadata> {
  const { meta } = getDictionary(await requestLocale());
  return { title: `${meta.titles.notFound} · ${meta.appName}` };
}

export default async function GlobalNotFound() {
  const locale = await requestLocale();
  return (
    <html lang={locale}>
      <body className="min-h-screen">
        <NotFoundContent locale={locale} t={getDictionary(locale).notFound} />
      </body>
    </html>
  );
}
