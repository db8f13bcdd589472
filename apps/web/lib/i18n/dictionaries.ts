import "server-only";

import type { Metadata } from "next";

import { defaultLocale, isLocale, type Locale } from "./config";
import { de } from "./locales/de";
import { en, type Dictionary } from "./locales/en";

export type { Dictionary } from "./locales/en";

// Server-only: pages and layouts read the dictionary of the route's [locale] and hand client
// components just the strings they draw, so no whole dictionary is sent to the browser.
const dictionaries: Record<Locale, Dictionary> = { en, de };

export function getDictionary(locale: Locale): Dictionary {
  return dictionaries[locale];
}

/**
 * A page's `generateMetadata`: its localized title (the layout adds " · Meterline").
 * `export const generateMetadata = pageTitle("records");`
 */
export function pageTitle(key: keyof Dictionary["meta"]["titles"]) {
  return async ({ params }: { params: Promise<{ locale: string }> }): Promise<Metadata> => {
    const { locale } = await params;
    return { title: getDictionary(isLocale(locale) ? locale : defaultLocale).meta.titles[key] };
  };
}
