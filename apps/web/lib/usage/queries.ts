import "server-only";

import { EVENT_TYPES, type EventType } from "@repo/usage";

import { createAdminSupabaseClient } from "@/lib/supabase/admin";

/**
 * Reading usage, exact and in real time: roll-ups for closed periods plus raw events since the
 * aggregation watermark, through usage_totals(). Reads with the service role: callers decide who
 * may see which scope.
 */

export interface UsageScope {
  orgId?: string | null;
  userId?: string | null;
}

export interface UsageRange {
  start: Date;
  end: Date;
}

export type UsageTotals = Record<EventType, { total: number; count: number }>;

export interface CurrentUsage {
  totals: UsageTotals;
  /** Roll-ups cover everything before this instant; later events are read raw. */
  rolledThrough: Date | null;
  /** When an aggregation run last finished. */
  refreshedAt: Date | null;
  /** The totals are exact as of this instant (the read). */
  dataAsOf: Date;
}

function emptyTotals(): UsageTotals {
  return Object.fromEntries(EVENT_TYPES.map((type) => [type, { total: 0, count: 0 }])) as UsageTotals;
}

/**
 * Exact totals per metric for a scope and range: roll-ups for closed periods plus raw events since
 * the aggregation watermark (and on days that received late events), in one query. Counters sum,
 * user_active counts distinct users, storage_used is the gauge at the range's end. Read with the
 * service role: callers decide who may see which scope.
 */
export async function getCurrentUsage(scope: UsageScope, range: UsageRange): Promise<CurrentUsage> {
  const dataAsOf = new Date();
  const { data, error } = await createAdminSupabaseClient().rpc("usage_totals", {
    // null means "any": the generated types cannot express a nullable argument
    p_org_id: (scope.orgId ?? null) as string,
    p_user_id: (scope.userId ?? null) as string,
    p_start: range.start.toISOString(),
    p_end: range.end.toISOString(),
  });
  if (error) throw new Error(`Could not read usage: ${error.message}`);

  const totals = emptyTotals();
  let rolledThrough: Date | null = null;
  let refreshedAt: Date | null = null;
  for (const row of data) {
    if ((EVENT_TYPES as readonly string[]).includes(row.metric_type)) {
      totals[row.metric_type as EventType] = {
        total: Number(row.total_quantity),
        count: Number(row.event_count),
      };
    }
    rolledThrough = row.rolled_through ? new Date(row.rolled_through) : null;
    refreshedAt = row.refreshed_at ? new Date(row.refreshed_at) : null;
  }
  if (data.length === 0) {
    const state = await readAggregationState();
    rolledThrough = state.rolledThrough;
    refreshedAt = state.refreshedAt;
  }
  return { totals, rolledThrough, refreshedAt, dataAsOf };
}

export interface UsageSummaryParams {
  orgId?: string | null;
  userId?: string | null;
  startDate: Date;
  endDate: Date;
}

/** Totals per metric for an org and/or a user in [startDate, endDate) (see getCurrentUsage). */
export async function getUsageSummary(params: UsageSummaryParams): Promise<UsageTotals> {
  const usage = await getCurrentUsage(
    { orgId: params.orgId, userId: params.userId },
    { start: params.startDate, end: params.endDate },
  );
  return usage.totals;
}

async function readAggregationState() {
  const admin = createAdminSupabaseClient();
  const [state, runs] = await Promise.all([
    admin.from("usage_aggregation_state").select("rolled_through").eq("period_type", "daily").maybeSingle(),
    admin
      .from("usage_aggregation_runs")
      .select("finished_at")
      .eq("status", "succeeded")
      .order("finished_at", { ascending: false })
      .limit(1)
      .maybeSingle(),
  ]);
  if (state.error) throw new Error(`Could not read the aggregation state: ${state.error.message}`);
  if (runs.error) throw new Error(`Could not read aggregation runs: ${runs.error.message}`);
  return {
    rolledThrough: state.data?.rolled_through ? new Date(state.data.rolled_through) : null,
    refreshedAt: runs.data?.finished_at ? new Date(runs.data.finished_at) : null,
  };
}

export interface SeriesPoint {
  /** ISO start of the bucket; null for the gauge's level before the range. */
  bucketStart: string | null;
  metric: EventType;
  total: number;
  count: number;
}

/**
 * Per-bucket totals in [start, end) (usage_series): counters summed, active users distinct per
 * bucket, the gauge as its net change per bucket plus its level at `start` (bucketStart null).
 * Buckets without usage are absent. Plain JSON, so it can be cached.
 */
export async function getUsageSeries(
  scope: UsageScope,
  range: { start: string; end: string },
  bucket: "day" | "month",
): Promise<SeriesPoint[]> {
  const { data, error } = await createAdminSupabaseClient().rpc("usage_series", {
    p_org_id: (scope.orgId ?? null) as string,
    p_user_id: (scope.userId ?? null) as string,
    p_start: range.start,
    p_end: range.end,
    p_bucket: bucket,
  });
  if (error) throw new Error(`Could not read the usage series: ${error.message}`);
  return data
    .filter((row) => (EVENT_TYPES as readonly string[]).includes(row.metric_type))
    .map((row) => ({
      bucketStart: row.bucket_start ? new Date(row.bucket_start).toISOString() : null,
      metric: row.metric_type as EventType,
      total: Number(row.total_quantity),
      count: Number(row.event_count),
    }));
}

export interface BreakdownRow {
  /** A member's user id, or a dimension value (fields joined by U+001F). */
  key: string;
  metric: EventType;
  total: number;
  count: number;
}

/**
 * Totals per member, per the catalog's dimension, or per organization (the console), per metric, in
 * [start, end) (usage_breakdown).
 */
export async function getUsageBreakdown(
  scope: UsageScope,
  range: { start: string; end: string },
  by: "member" | "dimension" | "org",
): Promise<BreakdownRow[]> {
  const { data, error } = await createAdminSupabaseClient().rpc("usage_breakdown", {
    p_org_id: (scope.orgId ?? null) as string,
    p_user_id: (scope.userId ?? null) as string,
    p_start: range.start,
    p_end: range.end,
    p_by: by,
  });
  if (error) throw new Error(`Could not read the usage breakdown: ${error.message}`);
  return data
    .filter((row) => (EVENT_TYPES as readonly string[]).includes(row.metric_type))
    .map((row) => ({
      key: row.key,
      metric: row.metric_type as EventType,
      total: Number(row.total_quantity),
      count: Number(row.event_count),
    }));
}

export interface UsageNotification {
  id: number;
  metric: EventType;
  threshold: 80 | 100;
  used: number;
  limit: number;
  periodEnd: string;
  createdAt: string;
}

/** An organization's limit alerts of its current billing period that nobody has dismissed, most severe first. */
export async function listOpenNotifications(
  orgId: string,
  now: Date = new Date(),
): Promise<UsageNotification[]> {
  const { data, error } = await createAdminSupabaseClient()
    .from("usage_notifications")
    .select("id, metric, threshold, used, limit_value, period_end, created_at")
    .eq("org_id", orgId)
    .is("dismissed_at", null)
    .gt("period_end", now.toISOString())
    .order("threshold", { ascending: false })
    .order("created_at", { ascending: false })
    .limit(20);
  if (error) throw new Error(`Could not read the usage alerts: ${error.message}`);
  return data.map((row) => ({
    id: row.id,
    metric: row.metric as EventType,
    threshold: row.threshold === 100 ? 100 : 80,
    used: Number(row.used),
    limit: Number(row.limit_value),
    periodEnd: row.period_end,
    createdAt: row.created_at,
  }));
}
