import { describe, expect, it } from "vitest";

import {
  changeRatio,
  dimensionParts,
  fillBuckets,
  forecastUsage,
  gaugeAtBucketEnds,
  resolvePeriod,
  statusClass,
  type SeriesRow,
} from "./dashboard";

const d = (iso: string) => new Date(iso);
const now = d("2026-12-10T15:30:00Z");
const billing = { start: d("2026-11-20T00:00:00Z"), end: d("2026-12-20T00:00:00Z") };
const iso = (dates: Date[]) => dates.map((x) => x.toISOString().slice(0, 10));

describe("resolvePeriod", () => {
  it("week: the last 7 UTC days including today, 7 daily buckets, the 7 before to compare", () => {
    const p = resolvePeriod("week", now, billing);
    expect([p.start, p.end].map((x) => x.toISOString())).toEqual([
      "2026-12-04T00:00:00.000Z",
      "2026-12-11T00:00:00.000Z",
    ]);
    expect(iso(p.buckets)).toEqual([
      "2026-12-04",
      "2026-12-05",
      "2026-12-06",
      "2026-12-07",
      "2026-12-08",
      "2026-12-09",
      "2026-12-10",
    ]);
    expect(p.bucket).toBe("day");
    expect(p.previous).toEqual({ start: d("2026-11-27T00:00:00Z"), end: p.start });
  });

  it("month: this calendar month through today", () => {
    const p = resolvePeriod("month", now, billing);
    expect(p.start).toEqual(d("2026-12-01T00:00:00Z"));
    expect(p.buckets).toHaveLength(10);
    expect(p.previous.start).toEqual(d("2026-11-21T00:00:00Z"));
  });

  it("year: this year by month, through this month", () => {
    const p = resolvePeriod("year", now, billing);
    expect(p.bucket).toBe("month");
    expect(iso(p.buckets)).toEqual(
      Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, "0")}-01`),
    );
  });

  it("billing: the subscription's period, by day, through today", () => {
    const p = resolvePeriod("billing", now, billing);
    expect(p.start).toEqual(billing.start);
    expect(p.end).toEqual(d("2026-12-11T00:00:00Z"));
    expect(p.buckets).toHaveLength(21);
    // On the last day the range stops at the period's end.
    expect(resolvePeriod("billing", d("2026-12-19T23:00:00Z"), billing).end).toEqual(billing.end);
  });

  it("custom: whole days, from and to inclusive, by day up to 92 days and by month beyond", () => {
    const short = resolvePeriod("custom", now, billing, { from: d("2026-10-01"), to: d("2026-10-31") });
    expect([short.start, short.end]).toEqual([d("2026-10-01T00:00:00Z"), d("2026-11-01T00:00:00Z")]);
    expect(short.buckets).toHaveLength(31);
    expect(short.previous).toEqual({ start: d("2026-08-31T00:00:00Z"), end: d("2026-10-01T00:00:00Z") });
    const long = resolvePeriod("custom", now, billing, { from: d("2026-01-01"), to: d("2026-06-30") });
    expect(long.bucket).toBe("month");
    expect(long.buckets).toHaveLength(6);
    expect(
      resolvePeriod("custom", now, billing, { from: d("2026-03-03"), to: d("2026-03-03") }).buckets,
    ).toHaveLength(1);
  });

  it("refuses a custom range backwards, empty or longer than 400 days", () => {
    expect(() =>
      resolvePeriod("custom", now, billing, { from: d("2026-03-04"), to: d("2026-03-03") }),
    ).toThrow(RangeError);
    expect(() =>
      resolvePeriod("custom", now, billing, { from: d("2025-01-01"), to: d("2026-03-01") }),
    ).toThrow(/400/);
    expect(() => resolvePeriod("custom", now, billing)).toThrow(RangeError);
  });
});

describe("buckets", () => {
  const buckets = [d("2026-12-01T00:00:00Z"), d("2026-12-02T00:00:00Z"), d("2026-12-03T00:00:00Z")];
  const rows: SeriesRow[] = [
    { bucketStart: d("2026-12-03T00:00:00Z"), metric: "api_call", total: 7 },
    { bucketStart: d("2026-12-01T00:00:00Z"), metric: "api_call", total: 2 },
    { bucketStart: d("2026-12-02T00:00:00Z"), metric: "record_created", total: 9 },
    { bucketStart: null, metric: "storage_used", total: 1000 },
    { bucketStart: d("2026-12-02T00:00:00Z"), metric: "storage_used", total: 500 },
    { bucketStart: d("2026-12-03T00:00:00Z"), metric: "storage_used", total: -300 },
  ];

  it("gives every bucket a value, zero where there was no usage, in bucket order", () => {
    expect(fillBuckets(buckets, rows, "api_call")).toEqual([2, 0, 7]);
    expect(fillBuckets(buckets, rows, "ai_tokens_used")).toEqual([0, 0, 0]);
  });

  it("shows the gauge at each bucket's end, from its level before the range", () => {
    expect(gaugeAtBucketEnds(buckets, rows, "storage_used")).toEqual([1000, 1500, 1200]);
    expect(gaugeAtBucketEnds(buckets, [], "storage_used")).toEqual([0, 0, 0]);
  });
});

describe("changeRatio", () => {
  it("compares with the previous period, and says nothing when there was none", () => {
    expect(changeRatio(150, 100)).toBeCloseTo(0.5);
    expect(changeRatio(50, 100)).toBeCloseTo(-0.5);
    expect(changeRatio(0, 0)).toBe(0);
    expect(changeRatio(5, 0)).toBeNull();
  });
});

describe("forecastUsage", () => {
  const periodStart = d("2026-12-01T00:00:00Z");
  const periodEnd = d("2026-12-31T00:00:00Z"); // 30 days
  const tenDaysIn = d("2026-12-11T00:00:00Z");

  it("projects the run-rate to the end of the period and finds when it crosses the limit", () => {
    const f = forecastUsage({ used: 400, limit: 1000, periodStart, periodEnd, now: tenDaysIn });
    expect(f?.projected).toBeCloseTo(1200);
    // 40 a day: 600 more after 15 days.
    expect(f?.crossesAt?.toISOString()).toBe("2026-12-26T00:00:00.000Z");
  });

  it("does not cross when the projection stays under the limit, or there is no limit", () => {
    expect(
      forecastUsage({ used: 100, limit: 1000, periodStart, periodEnd, now: tenDaysIn })?.crossesAt,
    ).toBeNull();
    expect(forecastUsage({ used: 100, limit: null, periodStart, periodEnd, now: tenDaysIn })).toMatchObject({
      projected: 300,
      crossesAt: null,
    });
  });

  it("forecasts the gauge from its growth since the period began, not from zero", () => {
    const f = forecastUsage({
      used: 900,
      usedAtStart: 800,
      limit: 1000,
      periodStart,
      periodEnd,
      now: tenDaysIn,
    });
    expect(f?.projected).toBeCloseTo(1100);
    expect(f?.crossesAt?.toISOString()).toBe("2026-12-21T00:00:00.000Z");
    // Shrinking storage never crosses.
    expect(
      forecastUsage({ used: 700, usedAtStart: 800, limit: 1000, periodStart, periodEnd, now: tenDaysIn })
        ?.crossesAt,
    ).toBeNull();
  });

  it("has nothing to say before the period has begun", () => {
    expect(forecastUsage({ used: 0, limit: 10, periodStart, periodEnd, now: periodStart })).toBeNull();
  });
});

describe("dimensions", () => {
  it("turns statuses into classes and splits roll-up dimensions", () => {
    expect(statusClass("201")).toBe("2xx");
    expect(statusClass("404")).toBe("4xx");
    expect(statusClass(undefined)).toBe("unknown");
    expect(statusClass("abc")).toBe("unknown");
    expect(dimensionParts("/api/v1/records\u001f200")).toEqual(["/api/v1/records", "200"]);
    expect(dimensionParts("gpt-4o-mini")).toEqual(["gpt-4o-mini"]);
  });
});
