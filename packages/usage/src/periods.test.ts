import { describe, expect, it } from "vitest";

import {
  addUtcMonths,
  billingRange,
  contiguousDayRanges,
  dashboardRange,
  periodEnd,
  periodStart,
  periodsIntersecting,
} from "./periods";

const d = (iso: string) => new Date(iso);

describe("UTC periods", () => {
  it("cuts days at 00:00 UTC: 23:59:59.999 and 00:00 belong to different days", () => {
    expect(periodStart("daily", d("2026-03-01T23:59:59.999Z"))).toEqual(d("2026-03-01T00:00:00Z"));
    expect(periodStart("daily", d("2026-03-02T00:00:00.000Z"))).toEqual(d("2026-03-02T00:00:00Z"));
  });

  it("ends months correctly, 29 February included", () => {
    expect(periodStart("monthly", d("2024-02-29T23:59:59.999Z"))).toEqual(d("2024-02-01T00:00:00Z"));
    expect(periodEnd("monthly", d("2024-02-01T00:00:00Z"))).toEqual(d("2024-03-01T00:00:00Z"));
    expect(periodEnd("monthly", d("2025-02-01T00:00:00Z"))).toEqual(d("2025-03-01T00:00:00Z"));
    expect(periodEnd("monthly", d("2026-12-01T00:00:00Z"))).toEqual(d("2027-01-01T00:00:00Z"));
    expect(periodEnd("daily", d("2024-02-28T00:00:00Z"))).toEqual(d("2024-02-29T00:00:00Z"));
    expect(addUtcMonths(d("2026-01-01T00:00:00Z"), -1)).toEqual(d("2025-12-01T00:00:00Z"));
  });

  it("lists the whole periods intersecting a half-open range", () => {
    expect(periodsIntersecting("daily", d("2026-03-01T12:00:00Z"), d("2026-03-03T00:00:00Z"))).toEqual([
      d("2026-03-01T00:00:00Z"),
      d("2026-03-02T00:00:00Z"),
    ]);
    expect(
      periodsIntersecting("daily", d("2026-03-01T00:00:00Z"), d("2026-03-03T00:00:00.001Z")),
    ).toHaveLength(3);
    expect(periodsIntersecting("monthly", d("2024-01-31T00:00:00Z"), d("2024-03-01T00:00:00Z"))).toEqual([
      d("2024-01-01T00:00:00Z"),
      d("2024-02-01T00:00:00Z"),
    ]);
    expect(periodsIntersecting("daily", d("2026-03-02T00:00:00Z"), d("2026-03-02T00:00:00Z"))).toEqual([]);
  });

  it("groups days into gap-free ranges", () => {
    const days = ["2026-03-03", "2026-03-01", "2026-03-02", "2026-03-07", "2026-03-02"].map((s) =>
      d(`${s}T05:00:00Z`),
    );
    expect(contiguousDayRanges(days)).toEqual([
      { start: d("2026-03-01T00:00:00Z"), end: d("2026-03-04T00:00:00Z") },
      { start: d("2026-03-07T00:00:00Z"), end: d("2026-03-08T00:00:00Z") },
    ]);
    expect(contiguousDayRanges([])).toEqual([]);
  });
});

describe("billing and dashboard ranges", () => {
  const now = d("2026-11-27T15:30:00Z");

  it("uses the subscription's current period when it contains now, else the UTC month", () => {
    const sub = { start: d("2026-11-15T00:00:00Z"), end: d("2026-12-15T00:00:00Z") };
    expect(billingRange(now, sub)).toEqual(sub);
    expect(billingRange(now, { start: d("2026-10-15T00:00:00Z"), end: d("2026-11-15T00:00:00Z") })).toEqual({
      start: d("2026-11-01T00:00:00Z"),
      end: d("2026-12-01T00:00:00Z"),
    });
    expect(billingRange(now, null)).toEqual({
      start: d("2026-11-01T00:00:00Z"),
      end: d("2026-12-01T00:00:00Z"),
    });
  });

  it("shows the last 7 days, the billing period so far, or the last 12 months", () => {
    expect(dashboardRange("week", now)).toEqual({
      start: d("2026-11-21T00:00:00Z"),
      end: now,
      bucket: "daily",
    });
    expect(dashboardRange("month", now)).toEqual({
      start: d("2026-11-01T00:00:00Z"),
      end: now,
      bucket: "daily",
    });
    expect(dashboardRange("year", now)).toEqual({
      start: d("2025-12-01T00:00:00Z"),
      end: now,
      bucket: "monthly",
    });
  });
});
