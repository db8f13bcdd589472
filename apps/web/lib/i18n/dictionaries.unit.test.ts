import { describe, expect, it } from "vitest";

import { locales } from "./config";
import { interpolate, placeholders, plural } from "./format";
import { de } from "./locales/de";
import { en } from "./locales/en";

const byLocale = { en, de };

/** Every string of a dictionary, by its dotted key. */
function leaves(value: unknown, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof value === "string") out.set(prefix, value);
  else if (value && typeof value === "object")
    for (const [key, child] of Object.entries(value))
      for (const [k, v] of leaves(child, prefix ? `${prefix}.${key}` : key)) out.set(k, v);
  return out;
}

describe("dictionaries", () => {
  const reference = leaves(en);

  it.each(locales)("%s has every key of English and no other", (locale) => {
    expect([...leaves(byLocale[locale]).keys()].sort()).toEqual([...reference.keys()].sort());
  });

  it.each(locales)("%s fills in the same placeholders as English, and no string is empty", (locale) => {
    for (const [key, text] of leaves(byLocale[locale])) {
      expect(text.trim(), key).not.toBe("");
      expect(placeholders(text).sort(), key).toEqual(placeholders(reference.get(key) ?? "").sort());
    }
  });

  it("German is translated, not copied", () => {
    const same = [...leaves(de)].filter(([key, text]) => reference.get(key) === text && text.length > 12);
    // Long strings that may stay the same are names, code or patterns of placeholders, never prose.
    expect(same.map(([key]) => key).sort()).toEqual([
      "apiKeys.form.namePlaceholder",
      "console.numbers.planLine",
      "usage.range",
    ]);
  });
});

describe("format", () => {
  it("interpolates named placeholders and leaves unknown ones", () => {
    expect(interpolate("{a} and {b}, {c}", { a: 1, b: "two" })).toBe("1 and two, {c}");
  });

  it("picks the plural form by the locale's rules and formats the count", () => {
    expect(plural("en", en.records.total, 1, { org: "Acme" })).toBe("1 record in Acme");
    expect(plural("en", en.records.total, 1200, { org: "Acme" })).toBe("1,200 records in Acme");
    expect(plural("de", de.records.total, 0, { org: "Acme" })).toBe("0 Datensätze in Acme");
    expect(plural("de", de.records.total, 1200, { org: "Acme" })).toBe("1.200 Datensätze in Acme");
  });
});
