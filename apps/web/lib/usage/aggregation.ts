import "server-only";

import {
  addUtcMonths,
  contiguousDayRanges,
  startOfUtcDay,
  startOfUtcMonth,
  type DateRange,
  type PeriodType,
} from "@repo/usage";

import { revalidateTag } from "next/cache";

import { createAdminSupabaseClient } from "@/lib/supabase/admin";

import { triggerUsageAggregation, type AggregationResult } from "./server";

/** Dashboards tag their cached roll-up reads with this; a finished run invalidates it. */
export const USAGE_ROLLUPS_TAG = "usage-rollups";

/** Drops cached roll-up reads. Outside a Next.js request (scripts, tests) there is no cache to drop. */
export function invalidateUsageRollups() {
  try {
    revalidateTag(USAGE_ROLLUPS_TAG, "max");
  } catch (error) {
    if (!(error instanceof Error && /store missing|outside a request/i.test(error.message))) throw error;
  }
}

export interface AggregationPlan {
  daily: DateRange[];
  monthly: DateRange[];
}

export interface AggregationState {
  dailyRolledThrough: Date | null;
  monthlyRolledThrough: Date | null;
  earliestEvent: Date | null;
  dirtyDays: Date[];
  dirtyMonths: Date[];
}

/**
 * What the nightly run must roll up (pure, so it is unit-tested without a database):
 * - every day not yet rolled up, through yesterday (catch-up after missed runs);
 * - every day that received late events (its marks are in usage_dirty_days);
 * - every closed month not yet rolled up, and every closed month whose days were re-rolled.
 * Dirty months are known only after the daily pass; the caller plans again after it.
 */
export function planAggregation(state: AggregationState, now: Date): AggregationPlan {
  const today = startOfUtcDay(now);
  const thisMonth = startOfUtcMonth(now);
  const daily: DateRange[] = [];
  const monthly: DateRange[] = [];

  const dailyFrom =
    state.dailyRolledThrough ?? (state.earliestEvent ? startOfUtcDay(state.earliestEvent) : null);
  if (dailyFrom && dailyFrom < today) daily.push({ start: dailyFrom, end: today });
  const catchUpStart = dailyFrom && dailyFrom < today ? dailyFrom : today;
  daily.push(...contiguousDayRanges(state.dirtyDays.filter((day) => day < catchUpStart)));

  const monthlyFrom =
    state.monthlyRolledThrough ?? (state.earliestEvent ? startOfUtcMonth(state.earliestEvent) : null);
  if (monthlyFrom && monthlyFrom < thisMonth) monthly.push({ start: monthlyFrom, end: thisMonth });
  const monthCatchUpStart = monthlyFrom && monthlyFrom < thisMonth ? monthlyFrom : thisMonth;
  for (const month of state.dirtyMonths) {
    if (month < monthCatchUpStart) monthly.push({ start: month, end: addUtcMonths(month, 1) });
  }
  return { daily, monthly };
}

async function readState(): Promise<AggregationState> {
  const admin = createAdminSupabaseClient();
  const [state, earliest, dirtyDays, dirtyMonths] = await Promise.all([
    admin.from("usage_aggregation_state").select("period_type, rolled_through"),
    admin.from("usage_events").select("created_at").order("created_at").limit(1).maybeSingle(),
    admin.from("usage_dirty_days").select("day").order("day").limit(10_000),
    admin.from("usage_dirty_months").select("month").order("month"),
  ]);
  for (const result of [state, earliest, dirtyDays, dirtyMonths]) {
    if (result.error) throw new Error(`Could not read the aggregation state: ${result.error.message}`);
  }
  const mark = (type: string) => {
    const value = state.data?.find((row) => row.period_type === type)?.rolled_through;
    return value ? new Date(value) : null;
  };
  return {
    dailyRolledThrough: mark("daily"),
    monthlyRolledThrough: mark("monthly"),
    earliestEvent: earliest.data?.created_at ? new Date(earliest.data.created_at) : null,
    dirtyDays: (dirtyDays.data ?? []).map((row) => new Date(`${row.day}T00:00:00Z`)),
    dirtyMonths: (dirtyMonths.data ?? []).map((row) => new Date(`${row.month}T00:00:00Z`)),
  };
}

/**
 * The nightly roll-up: days first (which marks re-rolled closed months), then months. A range that
 * fails is logged as a failed run (its own transaction rolled back with it) and the rest go on.
 */
export async function runScheduledAggregation(now: Date = new Date()) {
  const results: AggregationResult[] = [];
  const failures: { periodType: PeriodType; start: string; end: string; error: string }[] = [];

  const run = async (periodType: PeriodType, range: DateRange) => {
    try {
      results.push(await triggerUsageAggregation({ periodType, startDate: range.start, endDate: range.end }));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push({
        periodType,
        start: range.start.toISOString(),
        end: range.end.toISOString(),
        error: message,
      });
      await recordFailedRun(periodType, range, message);
    }
  };

  for (const range of planAggregation(await readState(), now).daily) await run("daily", range);
  for (const range of planAggregation(await readState(), now).monthly) await run("monthly", range);

  return {
    runs: results,
    failures,
    rowsUpserted: results.reduce((sum, r) => sum + r.rows_upserted, 0),
    rowsDeleted: results.reduce((sum, r) => sum + r.rows_deleted, 0),
  };
}

async function recordFailedRun(periodType: PeriodType, range: DateRange, error: string) {
  const { error: insertError } = await createAdminSupabaseClient()
    .from("usage_aggregation_runs")
    .insert({
      period_type: periodType,
      period_start: range.start.toISOString(),
      period_end: range.end.toISOString(),
      status: "failed",
      error: error.slice(0, 2000),
      finished_at: new Date().toISOString(),
    });
  if (insertError) console.error("[usage] could not record a failed aggregation run:", insertError.message);
}
