import "server-only";

import { addUtcDays, addUtcMonths, startOfUtcDay, startOfUtcMonth, type PeriodType } from "@repo/usage";

import { revalidateTag } from "next/cache";
import { z } from "zod";

import { revalidateInRequest } from "@/lib/revalidate";
import { usageAggregationBudgetMs, usageRetentionMonths } from "@/lib/usage/retention";
import { createAdminSupabaseClient } from "@/lib/supabase/admin";

/** Dashboards tag their cached roll-up reads with this; a finished run invalidates it. */
export const USAGE_ROLLUPS_TAG = "usage-rollups";

/** Drops cached roll-up reads. Outside a Next.js request (scripts, tests) there is no cache to drop. */
export function invalidateUsageRollups() {
  revalidateInRequest(() => revalidateTag(USAGE_ROLLUPS_TAG, "max"));
}

/** One call of aggregate_usage: a whole day or month, for every organization or only some. */
export interface AggregationStep {
  periodType: PeriodType;
  start: Date;
  end: Date;
  /** Only these organizations (their late days); null: everyone, and the watermark may move. */
  orgIds: string[] | null;
}

export interface AggregationPlan {
  daily: AggregationStep[];
  monthly: AggregationStep[];
}

export interface AggregationState {
  dailyRolledThrough: Date | null;
  monthlyRolledThrough: Date | null;
  earliestEvent: Date | null;
  /** Late marks: a day (or closed month) one organization's rows must be rolled up again for. */
  dirtyDays: { day: Date; orgId: string }[];
  dirtyMonths: { month: Date; orgId: string }[];
}

/** Whole UTC periods from `from` to `to`, one step each (for every organization). */
export function eachPeriod(periodType: PeriodType, from: Date, to: Date): AggregationStep[] {
  const steps: AggregationStep[] = [];
  for (let start = from; start < to;) {
    const end = periodType === "daily" ? addUtcDays(start, 1) : addUtcMonths(start, 1);
    steps.push({ periodType, start, end, orgIds: null });
    start = end;
  }
  return steps;
}

/** Late marks grouped into one step per period, with that period's organizations (sorted). */
function lateSteps(
  periodType: PeriodType,
  marks: { at: Date; orgId: string }[],
  before: Date,
): AggregationStep[] {
  const byPeriod = new Map<number, Set<string>>();
  for (const mark of marks) {
    if (mark.at >= before) continue;
    const orgs = byPeriod.get(mark.at.getTime()) ?? new Set<string>();
    orgs.add(mark.orgId);
    byPeriod.set(mark.at.getTime(), orgs);
  }
  return [...byPeriod.entries()]
    .sort(([a], [b]) => a - b)
    .map(([time, orgs]) => {
      const start = new Date(time);
      const end = periodType === "daily" ? addUtcDays(start, 1) : addUtcMonths(start, 1);
      return { periodType, start, end, orgIds: [...orgs].sort() };
    });
}

/**
 * What the cron must roll up, in steps small enough to finish well within a statement timeout
 * (pure, so it is unit-tested without a database):
 * - every day not yet rolled up, through yesterday, one day per step, oldest first (each step
 *   moves the watermark, so a run cut short resumes where it stopped);
 * - every day with late events, once per day, for the organizations that received them;
 * - every closed month whose days are all rolled up and not yet the month, one month per step;
 * - every closed month marked stale by a re-rolled day, for those organizations.
 * Months wait while their days have late marks: they are rolled up from daily rows.
 */
export function planAggregation(state: AggregationState, now: Date): AggregationPlan {
  const today = startOfUtcDay(now);
  const thisMonth = startOfUtcMonth(now);

  const dailyFrom =
    state.dailyRolledThrough ?? (state.earliestEvent ? startOfUtcDay(state.earliestEvent) : null);
  const catchUpStart = dailyFrom && dailyFrom < today ? dailyFrom : today;
  const daily = [
    ...(dailyFrom ? eachPeriod("daily", dailyFrom, today) : []),
    ...lateSteps(
      "daily",
      state.dirtyDays.map((mark) => ({ at: mark.day, orgId: mark.orgId })),
      catchUpStart,
    ),
  ];

  // Months are complete once their days are: through the daily watermark's month, and without
  // late days waiting.
  const monthsDoneThrough = state.dailyRolledThrough ? startOfUtcMonth(state.dailyRolledThrough) : null;
  const waiting = new Set(state.dirtyDays.map((mark) => startOfUtcMonth(mark.day).getTime()));
  const monthlyFrom =
    state.monthlyRolledThrough ?? (state.earliestEvent ? startOfUtcMonth(state.earliestEvent) : null);
  const monthly: AggregationStep[] = [];
  if (monthlyFrom && monthsDoneThrough) {
    for (const step of eachPeriod("monthly", monthlyFrom, monthsDoneThrough)) {
      if (waiting.has(step.start.getTime())) break; // the watermark moves over contiguous months only
      monthly.push(step);
    }
  }
  const monthCatchUpStart =
    monthlyFrom && monthsDoneThrough && monthlyFrom < monthsDoneThrough ? monthlyFrom : thisMonth;
  monthly.push(
    ...lateSteps(
      "monthly",
      state.dirtyMonths.map((mark) => ({ at: mark.month, orgId: mark.orgId })),
      monthCatchUpStart,
    ).filter((step) => !waiting.has(step.start.getTime())),
  );
  return { daily, monthly };
}

/** The first event ever stored: only needed before the first roll-up. */
async function readEarliestEvent(): Promise<Date | null> {
  const { data, error } = await createAdminSupabaseClient().rpc("usage_first_event_at");
  if (error) throw new Error(`Could not read the aggregation state: ${error.message}`);
  return data ? new Date(data) : null;
}

async function readState(): Promise<AggregationState> {
  const admin = createAdminSupabaseClient();
  const [state, dirtyDays, dirtyMonths] = await Promise.all([
    admin.from("usage_aggregation_state").select("period_type, rolled_through"),
    admin.from("usage_dirty_days").select("day, org_id").order("day").limit(10_000),
    admin.from("usage_dirty_months").select("month, org_id").order("month").limit(10_000),
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
    dirtyDays: (dirtyDays.data ?? []).map((row) => ({
      day: new Date(`${row.day}T00:00:00Z`),
      orgId: row.org_id,
    })),
    dirtyMonths: (dirtyMonths.data ?? []).map((row) => ({
      month: new Date(`${row.month}T00:00:00Z`),
      orgId: row.org_id,
    })),
  };
}

export interface ScheduledAggregationOptions {
  now?: Date;
  /** Stop starting new steps after this long; what is left is reported and done by the next run. */
  budgetMs?: number;
  /** Raw months to keep (older, rolled-up months are dropped; null keeps all); USAGE_RETENTION_MONTHS. */
  retentionMonths?: number | null;
  /** At most this many aggregate_usage calls per run (tests and manual catch-up); the rest wait. */
  stepLimit?: number;
}

/**
 * The cron's work, in bounded steps: partitions ahead, the days (catch-up and late days), then
 * the months, then retention. Each step is one aggregate_usage call in its own transaction; a
 * step that fails is logged as a failed run and the others go on. Whatever the budget leaves is
 * counted in `remaining`.
 */
export async function runScheduledAggregation(options: ScheduledAggregationOptions = {}) {
  const now = options.now ?? new Date();
  const deadline = Date.now() + (options.budgetMs ?? usageAggregationBudgetMs());
  const admin = createAdminSupabaseClient();
  const results: AggregationResult[] = [];
  const failures: {
    periodType: PeriodType;
    start: string;
    end: string;
    orgIds: string[] | null;
    error: string;
  }[] = [];
  const remaining = { days: 0, months: 0 };
  let stepsLeft = options.stepLimit ?? Number.POSITIVE_INFINITY;

  const partitions = await admin.rpc("ensure_usage_partitions");
  if (partitions.error) throw new Error(`Could not create usage partitions: ${partitions.error.message}`);

  const runSteps = async (steps: AggregationStep[], key: keyof typeof remaining) => {
    for (const step of steps) {
      if (Date.now() >= deadline || stepsLeft <= 0) {
        remaining[key] += 1;
        continue;
      }
      stepsLeft -= 1;
      try {
        results.push(await triggerUsageAggregation(step));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        failures.push({
          periodType: step.periodType,
          start: step.start.toISOString(),
          end: step.end.toISOString(),
          orgIds: step.orgIds,
          error: message,
        });
        await recordFailedRun(step, message);
      }
    }
  };
  await runSteps(planAggregation(await readState(), now).daily, "days");
  await runSteps(planAggregation(await readState(), now).monthly, "months");

  const keepMonths = options.retentionMonths === undefined ? usageRetentionMonths() : options.retentionMonths;
  const retention =
    keepMonths !== null && Date.now() < deadline ? await applyRetention(keepMonths, deadline) : null;
  const alerts = await recordUsageAlerts();

  return {
    runs: results,
    failures,
    remaining,
    partitions: partitions.data,
    retention,
    alerts,
    rowsUpserted: results.reduce((sum, r) => sum + r.rows_upserted, 0),
    rowsDeleted: results.reduce((sum, r) => sum + r.rows_deleted, 0),
  };
}

/** Drops raw months past retention (rolled up ones only), then their keys, in batches, until the deadline. */
async function applyRetention(keepMonths: number, deadline: number) {
  const admin = createAdminSupabaseClient();
  const dropped = await admin.rpc("drop_expired_usage_partitions", { p_keep_months: keepMonths });
  if (dropped.error) throw new Error(`Could not apply usage retention: ${dropped.error.message}`);
  let keysPruned = 0;
  for (;;) {
    if (Date.now() >= deadline) break;
    const { data, error } = await admin.rpc("prune_usage_event_keys", { p_limit: 50_000 });
    if (error) throw new Error(`Could not prune usage event keys: ${error.message}`);
    keysPruned += data;
    if (data === 0) break;
  }
  return { ...(dropped.data as Record<string, unknown>), keysPruned };
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

async function recordFailedRun(step: AggregationStep, error: string) {
  const { error: insertError } = await createAdminSupabaseClient()
    .from("usage_aggregation_runs")
    .insert({
      period_type: step.periodType,
      period_start: step.start.toISOString(),
      period_end: step.end.toISOString(),
      status: "failed",
      error: (step.orgIds ? `organizations ${step.orgIds.join(", ")}: ${error}` : error).slice(0, 2000),
      finished_at: new Date().toISOString(),
    });
  if (insertError) console.error("[usage] could not record a failed aggregation run:", insertError.message);
}

/** Rolls up every whole period of `periodType` intersecting [start, end) now (for `orgIds` only, if given). */
export async function triggerUsageAggregation(params: {
  periodType: PeriodType;
  start: Date;
  end: Date;
  orgIds?: string[] | null;
}) {
  const { data, error } = await createAdminSupabaseClient().rpc("aggregate_usage", {
    p_period_type: params.periodType,
    p_period_start: params.start.toISOString(),
    p_period_end: params.end.toISOString(),
    ...(params.orgIds ? { p_org_ids: params.orgIds } : {}),
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
