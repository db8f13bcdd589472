/**
 * The usage dashboard's arithmetic, kept out of the components so it is tested on its own: which
 * range and buckets a period shows, the previous range it compares with, filling buckets that had
 * no usage, the storage gauge at each bucket's end, and forecasts against a limit.
 */
import { addUtcDays, addUtcMonths, startOfUtcDay, startOfUtcMonth } from "./periods";

export const DASHBOARD_PERIODS = ["billing", "week", "month", "year", "custom"] as const;
export type DashboardPeriodName = (typeof DASHBOARD_PERIODS)[number];
export type Bucket = "day" | "month";

/** Custom ranges are at most this many days; longer ones would show too many daily bars anyway. */
export const MAX_CUSTOM_DAYS = 400;
/** Up to this many days a custom range is shown by day, longer ones by month. */
export const MAX_DAILY_BUCKETS = 92;

export interface ResolvedPeriod {
  period: DashboardPeriodName;
  /** Half-open [start, end): what the cards and charts count. */
  start: Date;
  end: Date;
  bucket: Bucket;
  /** The start of every bucket shown, oldest first: every one, usage or not. */
  buckets: Date[];
  /** The range of the same length just before, for the change shown on each card. */
  previous: { start: Date; end: Date };
}

export interface BillingPeriod {
  start: Date;
  end: Date;
}

function bucketStarts(start: Date, endExclusive: Date, bucket: Bucket): Date[] {
  const starts: Date[] = [];
  let at = bucket === "day" ? startOfUtcDay(start) : startOfUtcMonth(start);
  while (at.getTime() < endExclusive.getTime()) {
    starts.push(at);
    at = bucket === "day" ? addUtcDays(at, 1) : addUtcMonths(at, 1);
  }
  return starts;
}

function withPrevious(period: DashboardPeriodName, start: Date, end: Date, bucket: Bucket): ResolvedPeriod {
  const length = end.getTime() - start.getTime();
  return {
    period,
    start,
    end,
    bucket,
    buckets: bucketStarts(start, end, bucket),
    previous: { start: new Date(start.getTime() - length), end: start },
  };
}

/**
 * The range a period shows, ending with today (UTC): the last 7 days, this calendar month, this
 * year by month, the current billing period, or a custom range of whole UTC days (`from` and `to`
 * inclusive).
 */
export function resolvePeriod(
  period: DashboardPeriodName,
  now: Date,
  billing: BillingPeriod,
  custom?: { from: Date; to: Date },
): ResolvedPeriod {
  const tomorrow = addUtcDays(startOfUtcDay(now), 1);
  switch (period) {
    case "week":
      return withPrevious(period, addUtcDays(startOfUtcDay(now), -6), tomorrow, "day");
    case "month":
      return withPrevious(period, startOfUtcMonth(now), tomorrow, "day");
    case "year": {
      const start = new Date(Date.UTC(now.getUTCFullYear(), 0, 1));
      return withPrevious(period, start, tomorrow, "month");
    }
    case "billing": {
      const end = new Date(Math.min(tomorrow.getTime(), billing.end.getTime()));
      return withPrevious(period, billing.start, end, "day");
    }
    case "custom": {
      if (!custom) throw new RangeError("a custom period needs from and to");
      const start = startOfUtcDay(custom.from);
      const end = addUtcDays(startOfUtcDay(custom.to), 1);
      const days = Math.round((end.getTime() - start.getTime()) / 86_400_000);
      if (days < 1 || days > MAX_CUSTOM_DAYS)
        throw new RangeError(`a custom period spans 1 to ${MAX_CUSTOM_DAYS} days`);
      return withPrevious(period, start, end, days <= MAX_DAILY_BUCKETS ? "day" : "month");
    }
  }
}

export interface SeriesRow {
  /** null: the gauge's level before the range (only for the gauge). */
  bucketStart: Date | null;
  metric: string;
  total: number;
}

/** One value per bucket for a counter or unique metric: the bucket's total, 0 when it had none. */
export function fillBuckets(buckets: Date[], rows: SeriesRow[], metric: string): number[] {
  const byBucket = new Map<number, number>();
  for (const row of rows) {
    if (row.metric === metric && row.bucketStart) byBucket.set(row.bucketStart.getTime(), row.total);
  }
  return buckets.map((bucket) => byBucket.get(bucket.getTime()) ?? 0);
}

/**
 * The gauge at the end of each bucket: its level before the range (the row without a bucket) plus
 * every delta up to and including the bucket.
 */
export function gaugeAtBucketEnds(buckets: Date[], rows: SeriesRow[], metric: string): number[] {
  const baseline = rows.find((row) => row.metric === metric && row.bucketStart === null)?.total ?? 0;
  let level = baseline;
  return fillBuckets(buckets, rows, metric).map((delta) => (level += delta));
}

/** The change from the previous period as a ratio (0.25 = +25%); null when there is nothing to compare with. */
export function changeRatio(current: number, previous: number): number | null {
  if (previous === 0) return current === 0 ? 0 : null;
  return (current - previous) / Math.abs(previous);
}

export interface ForecastInput {
  /** Usage so far this billing period (the gauge: stored now). */
  used: number;
  /** The gauge only: what was stored when the billing period began. */
  usedAtStart?: number;
  limit: number | null;
  periodStart: Date;
  periodEnd: Date;
  now: Date;
}

export interface Forecast {
  /** The value expected at the end of the billing period at the current run-rate. */
  projected: number;
  /** When the limit will be reached at that rate, if it will be before the period ends. */
  crossesAt: Date | null;
}

/**
 * A linear forecast from the billing period's run-rate so far: counters grow by their average
 * rate, the gauge by its net growth since the period began. Null before any time has passed.
 */
export function forecastUsage(input: ForecastInput): Forecast | null {
  const elapsed = input.now.getTime() - input.periodStart.getTime();
  const total = input.periodEnd.getTime() - input.periodStart.getTime();
  if (elapsed <= 0 || total <= 0) return null;
  const base = input.usedAtStart ?? 0;
  const rate = (input.used - base) / elapsed; // per millisecond
  const remaining = Math.max(0, input.periodEnd.getTime() - input.now.getTime());
  const projected = input.used + rate * remaining;
  let crossesAt: Date | null = null;
  if (input.limit !== null && input.used < input.limit && rate > 0) {
    const at = input.now.getTime() + (input.limit - input.used) / rate;
    if (at <= input.periodEnd.getTime()) crossesAt = new Date(Math.ceil(at));
  } else if (input.limit !== null && input.used >= input.limit) {
    crossesAt = null; // already there: the meter says so
  }
  return { projected, crossesAt };
}

/** "2xx", "4xx", … from an HTTP status; "unknown" when the status was not recorded. */
export function statusClass(status: string | undefined): string {
  return status && /^[1-5]\d\d$/.test(status) ? `${status[0]}xx` : "unknown";
}

/** The parts of a roll-up dimension (fields joined by U+001F, in the catalog's order). */
export function dimensionParts(dimension: string): string[] {
  return dimension.split("\u001f");
}
