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
import { z } from "zod";

import { revalidateInRequest } from "@/lib/revalidate";
import { createAdminSupabaseClient } from "@/lib/supabase/admin";

/** Dashboards tag their cached roll-up reads with this; a finished run invalidates it. */
export const USAGE_ROLLUPS_TAG = "usage-rollups";

/** Drops cached roll-up reads. Outside a Next.js request (scripts, tests) there is no cache to drop. */
export function invalidateUsageRollups() {
  revalidateInRequest(() => revalidateTag(USAGE_ROLLUPS_TAG, "max"));
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

/** The first event ever stored: only needed before the first roll-up (it reads the whole table). */
async function readEarliestEvent(): Promise<Date | null> {
  const { data, error } = await createAdminSupabaseClient()
    .from("usage_events")
    .select("created_at")
    .order("created_at")
    .limit(1)
    .maybeSingle();
  if (error) throw new Error(`Could not read the aggregation state: ${error.message}`);
  return data?.created_at ? new Date(data.created_at) : null;
}

async function readState(): Promise<AggregationState> {
  const admin = createAdminSupabaseClient();
  const [state, dirtyDays, dirtyMonths] = await Promise.all([
    admin.from("usage_aggregation_state").select("period_type, rolled_through"),
    admin.from("usage_dirty_days").select("day").order("day").limit(10_000),
    admin.from("usage_dirty_months").select("month").order("month"),
  ]);
  for (const result of [state, dirtyDays, dirtyMonths]) {
    if (result.error) throw new Error(`Could not read the aggregation state: ${result.error.message}`);
  }
  const mark = (type: string) => {
    const value = state.data?.find((row) => row.period_type === type)?.rolled_through;
    return value ? new Date(value) : null;
  };
  const dailyRolledThrough = mark("daily");
  const monthlyRolledThrough = mark("monthly");
  return {
    dailyRolledThrough,
    monthlyRolledThrough,
    earliestEvent: dailyRolledThrough && monthlyRolledThrough ? null : await readEarliestEvent(),
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
  const alerts = await recordUsageAlerts();

  return {
    runs: results,
    failures,
    alerts,
    rowsUpserted: results.reduce((sum, r) => sum + r.rows_upserted, 0),
    rowsDeleted: results.reduce((sum, r) => sum + r.rows_deleted, 0),
  };
}

/**
 * Records the limit alerts (80% and 100% of a limit, once per organization, metric and billing
 * period) that usage no gate saw has reached: active users, reported AI tokens, a lowered limit.
 */
async function recordUsageAlerts(): Promise<number> {
  const { data, error } = await createAdminSupabaseClient().rpc("record_usage_alerts");
  if (error) {
    console.error("[usage] could not record limit alerts:", error.message);
    return 0;
  }
  return data;
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

/** Rolls up every whole period of `periodType` intersecting [startDate, endDate) now. */
export async function triggerUsageAggregation(params: {
  periodType: PeriodType;
  startDate: Date;
  endDate: Date;
}) {
  const { data, error } = await createAdminSupabaseClient().rpc("aggregate_usage", {
    p_period_type: params.periodType,
    p_period_start: params.startDate.toISOString(),
    p_period_end: params.endDate.toISOString(),
  });
  if (error) throw new Error(`Aggregation failed: ${error.message}`);
  return aggregationResultSchema.parse(data);
}

const aggregationResultSchema = z.object({
  period_type: z.enum(["daily", "monthly"]),
  period_start: z.string(),
  period_end: z.string(),
  rows_upserted: z.number(),
  rows_deleted: z.number(),
  duration_ms: z.number(),
});

export type AggregationResult = z.infer<typeof aggregationResultSchema>;
