"use client";

import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";

import { cn } from "@/lib/cn";
import { localeNames, locales, pathForLocale, type Locale } from "@/lib/i18n/config";

/**
 * Links to the page being shown under each other locale. A client component because the layouts
 * that hold it are not rendered again when the user moves between their pages.
 */
export function LanguageSwitcher({
  locale,
  label,
  className,
}: {
  locale: Locale;
  /** "Language", in the current locale: names the group for screen readers. */
  label: string;
  className?: string;
}) {
  const pathname = usePathname();
  const query = useSearchParams().toString();
  return (
    <nav aria-label={label} className={cn("flex items-center gap-1 text-sm", className)}>
      {locales
        .filter((other) => other !== locale)
        .map((other) => (
          <Link
            key={other}
            href={`${pathForLocale(pathname, other)}${query ? `?${query}` : ""}`}
            hrefLang={other}
            lang={other}
            className="rounded-md px-2 py-1 font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900"
            data-test="language-switcher"
          >
            {localeNames[other]}
          </Link>
        ))}
    </nav>
  );
}
