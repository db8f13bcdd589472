import Link from "next/link";

import type { Locale } from "@/lib/i18n/config";
import type { Dictionary } from "@/lib/i18n/dictionaries";

/** The body of both 404 pages: the one for notFound() in a page, and the one for unknown URLs. */
export function NotFoundContent({ locale, t }: { locale: Locale; t: Dictionary["notFound"] }) {
  return (
    <main
      className="flex min-h-[60vh] flex-col items-center justify-center gap-3 px-4 text-center"
      data-test="not-found"
    >
      <p className="text-sm font-medium text-brand-600">404</p>
      <h1 className="text-2xl font-semibold">{t.title}</h1>
      <p className="text-slate-600">{t.description}</p>
      <Link href={`/${locale}`} className="text-sm font-medium text-brand-600 hover:underline">
        {t.home}
      </Link>
    </main>
  );
}
