import { describe, expect, it } from "vitest";

import { formatBytes, formatDateTime, formatDecimal, formatInteger, formatUsdCents } from "./format";

describe("formatBytes", () => {
  it.each([
    [0, "0 B"],
    [999, "999 B"],
    [1000, "1.0 KB"],
    [1536, "1.5 KB"],
    [1024 ** 3 - 100, "1.0 GB"],
    [25 * 1024 ** 3, "25 GB"],
    [-2048, "-2.0 KB"],
  ])("%d bytes is %s", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it("uses the locale's decimal separator", () => {
    expect(formatBytes(1536, "de")).toBe("1,5 KB");
    expect(formatBytes(25 * 1024 ** 3, "de")).toBe("25 GB");
  });
});

describe("formatDateTime", () => {
  const instant = "2026-12-01T15:04:00Z";

  it("shows UTC in the locale's style", () => {
    // ICU puts a narrow no-break space before "PM"; compare with plain spaces.
    expect(formatDateTime(instant, "en").replace(/\s/g, " ")).toBe("Dec 1, 2026, 3:04 PM UTC");
    expect(formatDateTime(instant, "de")).toBe("01.12.2026, 15:04 UTC");
  });

  it("is English by default, for server messages", () => {
    expect(formatDateTime(new Date(instant))).toBe(formatDateTime(instant, "en"));
  });
});

describe("numbers", () => {
  it("group thousands and write decimals the locale's way", () => {
    expect(formatInteger(1234567, "en")).toBe("1,234,567");
    expect(formatInteger(1234567, "de")).toBe("1.234.567");
    expect(formatDecimal(12.345, "en")).toBe("12.3");
    expect(formatDecimal(12, "de")).toBe("12,0");
  });

  it("show dollar prices with the symbol where the locale puts it", () => {
    expect(formatUsdCents(2900, "en")).toBe("$29");
    expect(formatUsdCents(2999, "en")).toBe("$29.99");
    expect(formatUsdCents(2900, "de").replace(/\s/g, " ")).toBe("29 $");
  });
});
