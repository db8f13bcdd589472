import { defaultLocale, type Locale } from "@/lib/i18n/config";

// Intl formatters are costly to build; one per locale (and style) is kept.
function cached<T>(build: (locale: Locale) => T): (locale: Locale) => T {
  const byLocale = new Map<Locale, T>();
  return (locale) => {
    let formatter = byLocale.get(locale);
    if (!formatter) {
      formatter = build(locale);
      byLocale.set(locale, formatter);
    }
    return formatter;
  };
}

const dateTime = cached(
  (locale) => new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }),
);
const integer = cached((locale) => new Intl.NumberFormat(locale));
const oneDecimal = cached(
  (locale) => new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
);
const dollars = cached(
  (locale) =>
    new Intl.NumberFormat(locale, {
      style: "currency",
      currency: "USD",
      minimumFractionDigits: 0,
      maximumFractionDigits: 2,
    }),
);

/**
 * Dates are shown in UTC everywhere, like the billing periods they belong to. Pages format on the
 * server only: the browser's ICU may space or punctuate the same date differently.
 */
export function formatDateTime(value: string | Date, locale: Locale = defaultLocale): string {
  return `${dateTime(locale).format(new Date(value))} UTC`;
}

export function formatInteger(value: number, locale: Locale = defaultLocale): string {
  return integer(locale).format(value);
}

/** One digit after the separator, e.g. a duration in milliseconds. */
export function formatDecimal(value: number, locale: Locale = defaultLocale): string {
  return oneDecimal(locale).format(value);
}

/** An amount in US dollars, from cents: `$49` in English, `49 $` in German. */
export function formatUsdCents(cents: number, locale: Locale = defaultLocale): string {
  return dollars(locale).format(cents / 100);
}

/** Binary units, promoted at 1000 so a value never shows as "1023 MB". */
export function formatBytes(bytes: number, locale: Locale = defaultLocale): string {
  if (Math.abs(bytes) < 1000) return `${integer(locale).format(bytes)} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const number =
    Math.abs(value) < 10 ? oneDecimal(locale).format(value) : integer(locale).format(Math.round(value));
  return `${number} ${units[unit]}`;
}
