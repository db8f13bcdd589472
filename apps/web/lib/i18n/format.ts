// Filling in dictionary strings. No server-only imports: client components use it with the strings
// their server page handed them.
import type { Locale } from "./config";

/** A count-dependent string; `{count}` is replaced by the formatted number. */
export interface Plural {
  one: string;
  other: string;
}

const PLACEHOLDER = /\{(\w+)\}/g;

/** Replaces each `{name}` in a dictionary string; an unknown name is left as it is. */
export function interpolate(template: string, values: Record<string, string | number>): string {
  return template.replace(PLACEHOLDER, (match, name: string) =>
    name in values ? String(values[name]) : match,
  );
}

/** The placeholders a dictionary string uses, e.g. `["count", "org"]`. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1] ?? "");
}

/** Picks the plural form for `count` by the locale's rules and fills in `{count}` and the rest. */
export function plural(
  locale: Locale,
  forms: Plural,
  count: number,
  values: Record<string, string | number> = {},
): string {
  const form = new Intl.PluralRules(locale).select(count) === "one" ? forms.one : forms.other;
  return interpolate(form, { count: new Intl.NumberFormat(locale).format(count), ...values });
}

/** A dictionary label for a database value (a role, a status), or the value itself if there is none. */
export function labelFor<K extends string>(labels: Record<K, string>, value: string): string {
  return (labels as Record<string, string | undefined>)[value] ?? value;
}
