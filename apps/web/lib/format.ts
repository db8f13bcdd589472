import { METRICS, type EventType } from "@repo/usage";

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

/** A metric's value in its own unit, for people: bytes for the storage gauge, counts otherwise. */
export function formatMetric(metric: EventType, value: number, locale: Locale = defaultLocale): string {
  return METRICS[metric].kind === "gauge"
    ? formatBytes(value, locale)
    : formatInteger(Math.round(value), locale);
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

const day = cached(
  (locale) => new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", timeZone: "UTC" }),
);
const dayWithYear = cached(
  (locale) =>
    new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }),
);
const monthYear = cached(
  (locale) => new Intl.DateTimeFormat(locale, { month: "short", year: "numeric", timeZone: "UTC" }),
);
const percent = cached(
  (locale) => new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 }),
);
const signedPercent = cached(
  (locale) =>
    new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0, signDisplay: "exceptZero" }),
);
const relative = cached((locale) => new Intl.RelativeTimeFormat(locale, { numeric: "auto" }));

/** A UTC day, short: "1 Jan" / "1. Jan."; with the year when asked. */
export function formatDay(value: string | Date, locale: Locale = defaultLocale, withYear = false): string {
  return (withYear ? dayWithYear : day)(locale).format(new Date(value));
}

/** A UTC month: "Dec 2026". */
export function formatMonth(value: string | Date, locale: Locale = defaultLocale): string {
  return monthYear(locale).format(new Date(value));
}

/** 0.8 → "80%"; with `signed`, "+25%" / "−10%". */
export function formatPercent(ratio: number, locale: Locale = defaultLocale, signed = false): string {
  return (signed ? signedPercent : percent)(locale).format(ratio);
}

/** How long ago `value` was, from `now`: "5 minutes ago", "vor 2 Stunden". */
export function formatRelative(value: string | Date, now: Date, locale: Locale = defaultLocale): string {
  const seconds = Math.round((new Date(value).getTime() - now.getTime()) / 1000);
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [
    ["day", 86_400],
    ["hour", 3_600],
    ["minute", 60],
  ];
  for (const [unit, size] of steps) {
    if (Math.abs(seconds) >= size) return relative(locale).format(Math.round(seconds / size), unit);
  }
  return relative(locale).format(seconds, "second");
}
