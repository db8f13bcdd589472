export const locales = ["en", "de"] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = "en";

/** Each language's name in itself, for the language switcher. */
export const localeNames: Record<Locale, string> = { en: "English", de: "Deutsch" };

export function isLocale(value: string): value is Locale {
  return (locales as readonly string[]).includes(value);
}

/** The locale a path starts with (`/de/records` → `de`), or the default one. */
export function localeFromPathname(pathname: string): Locale {
  const first = pathname.split(/[/?#]/)[1] ?? "";
  return isLocale(first) ? first : defaultLocale;
}

/** The same path under another locale: `/en/records?tag=q3` → `/de/records?tag=q3`. */
export function pathForLocale(pathname: string, locale: Locale): string {
  const [, first = "", ...rest] = pathname.split("/");
  const tail = isLocale(first) ? rest : [first, ...rest].filter(Boolean);
  return `/${[locale, ...tail].join("/")}`.replace(/\/$/, "");
}
