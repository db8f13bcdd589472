/**
 * UTC period math. Every period is half-open, [start, end), and starts at a UTC boundary, the same
 * way aggregate_usage() cuts them in Postgres.
 */

export type PeriodType = "daily" | "monthly";

export function startOfUtcDay(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

export function startOfUtcMonth(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

export function addUtcDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * 86_400_000);
}

/** Adds whole months to a month start (day 1, 00:00 UTC). */
export function addUtcMonths(monthStart: Date, months: number): Date {
  return new Date(Date.UTC(monthStart.getUTCFullYear(), monthStart.getUTCMonth() + months, 1));
}

export function periodStart(type: PeriodType, at: Date): Date {
  return type === "daily" ? startOfUtcDay(at) : startOfUtcMonth(at);
}

export function periodEnd(type: PeriodType, start: Date): Date {
  return type === "daily" ? addUtcDays(start, 1) : addUtcMonths(start, 1);
}

/** The starts of every whole period of `type` that intersects [from, to). */
export function periodsIntersecting(type: PeriodType, from: Date, to: Date): Date[] {
  if (to.getTime() <= from.getTime()) return [];
  const starts: Date[] = [];
  for (let start = periodStart(type, from); start.getTime() < to.getTime(); start = periodEnd(type, start)) {
    starts.push(start);
  }
  return starts;
}

export interface DateRange {
  start: Date;
  end: Date;
}

/**
 * Groups sorted UTC days into contiguous ranges: [d1, d2, d3, d7] → [[d1, d4), [d7, d8)], so a
 * catch-up runs one aggregate per gap-free stretch instead of one per day.
 */
export function contiguousDayRanges(days: Date[]): DateRange[] {
  const sorted = [...new Set(days.map((d) => startOfUtcDay(d).getTime()))].sort((a, b) => a - b);
  const ranges: DateRange[] = [];
  for (const time of sorted) {
    const last = ranges.at(-1);
    if (last && last.end.getTime() === time) last.end = addUtcDays(last.end, 1);
    else ranges.push({ start: new Date(time), end: addUtcDays(new Date(time), 1) });
  }
  return ranges;
}

export type DashboardPeriod = "week" | "month" | "year";

/**
 * The range a dashboard shows for `period`, ending now: the last 7 UTC days, the billing period
 * (the subscription's current period, else the current UTC month), or the last 12 UTC months.
 */
export function dashboardRange(
  period: DashboardPeriod,
  now: Date,
  billingPeriod?: { start: Date; end: Date } | null,
): DateRange & { bucket: PeriodType } {
  switch (period) {
    case "week":
      return { start: addUtcDays(startOfUtcDay(now), -6), end: now, bucket: "daily" };
    case "month":
      return { ...billingRange(now, billingPeriod), end: now, bucket: "daily" };
    case "year":
      return { start: addUtcMonths(startOfUtcMonth(now), -11), end: now, bucket: "monthly" };
  }
}

/** The billing period containing `now`: the subscription's, else the current UTC calendar month. */
export function billingRange(now: Date, billingPeriod?: { start: Date; end: Date } | null): DateRange {
  if (
    billingPeriod &&
    billingPeriod.start.getTime() <= now.getTime() &&
    now.getTime() < billingPeriod.end.getTime()
  ) {
    return { start: billingPeriod.start, end: billingPeriod.end };
  }
  const start = startOfUtcMonth(now);
  return { start, end: addUtcMonths(start, 1) };
}
