import "server-only";

import {
  METRICS,
  addUtcDays,
  forecastUsage,
  resolvePeriod,
  startOfUtcDay,
  type DashboardPeriodName,
  type EventType,
  type ResolvedPeriod,
} from "@repo/usage";
import { z } from "zod";

import { createAdminSupabaseClient } from "@/lib/supabase/admin";
import {
  listMemberOptions,
  loadUsageDashboard,
  metricCards,
  periodJson,
  periodSeries,
  type MemberOption,
  type MetricCard,
  type UsageDashboard,
} from "@/lib/usage/dashboard";
import { getOrgPlan } from "@/lib/usage/limits";
import { getCurrentUsage, getUsageBreakdown } from "@/lib/usage/queries";

/**
 * The platform console's reads. Every function here uses the service role and must only be
 * called after requireAdmin(): nothing in this module checks who is asking.
 */

export const CONSOLE_PERIODS = ["7d", "30d", "month", "year"] as const;
export type ConsolePeriod = (typeof CONSOLE_PERIODS)[number];

export function consolePeriod(name: ConsolePeriod, now: Date): ResolvedPeriod {
  switch (name) {
    case "7d":
      return resolvePeriod("week", now, { start: now, end: now });
    case "30d":
      return resolvePeriod(
        "custom",
        now,
        { start: now, end: now },
        { from: addUtcDays(startOfUtcDay(now), -29), to: now },
      );
    case "month":
      return resolvePeriod("month", now, { start: now, end: now });
    case "year":
      return resolvePeriod("year", now, { start: now, end: now });
  }
}

const countsSchema = z.object({
  users: z.number(),
  organizations: z.number(),
  personal_organizations: z.number(),
  subscriptions: z.array(
    z.object({ plan: z.string(), name: z.string(), count: z.number(), mrr_cents: z.number() }),
  ),
  mrr_cents: z.number(),
  signups: z.array(z.object({ day: z.string(), count: z.number() })),
});

export interface OrgName {
  id: string;
  name: string;
  planId: string | null;
}

async function orgNames(ids: string[]): Promise<Map<string, OrgName>> {
  if (ids.length === 0) return new Map();
  const { data, error } = await createAdminSupabaseClient()
    .from("organizations")
    .select("id, name, org_subscriptions(plan_id)")
    .in("id", [...new Set(ids)]);
  if (error) throw new Error(`Could not read organizations: ${error.message}`);
  return new Map(
    data.map((org) => [
      org.id,
      { id: org.id, name: org.name, planId: org.org_subscriptions?.plan_id ?? null },
    ]),
  );
}

export interface TopOrg extends OrgName {
  total: number;
}

export interface UpsellRow extends OrgName {
  metric: EventType;
  threshold: 80 | 100;
  used: number;
  limit: number;
  projected: number | null;
  crossesAt: string | null;
}

export interface SpikeRow extends OrgName {
  metric: EventType;
  dayTotal: number;
  trailingAverage: number;
}

export interface AggregationRun {
  id: number;
  periodType: string;
  periodStart: string;
  periodEnd: string;
  rowsUpserted: number;
  rowsDeleted: number;
  durationMs: number | null;
  status: string;
  error: string | null;
  startedAt: string;
}

export interface IngestionHour {
  hour: string;
  source: string;
  offered: number;
  stored: number;
  duplicates: number;
  rejected: number;
}

export interface ReconciliationDifference extends OrgName {
  month: string;
  check: "record_created" | "automation_run" | "schedule_executed" | "storage_used";
  expected: number;
  actual: number;
  difference: number;
}

export interface ConsoleData {
  period: UsageDashboard["period"];
  counts: z.infer<typeof countsSchema>;
  activeUsers: { dau: number; wau: number; mau: number };
  cards: MetricCard[];
  topOrgs: Partial<Record<EventType, TopOrg[]>>;
  upsell: UpsellRow[];
  spikes: { day: string; rows: SpikeRow[] };
  health: {
    runs: AggregationRun[];
    failedRuns: number;
    rolledThrough: string | null;
    lagHours: number | null;
    lateDays: string[];
    /** Organizations with late marks on those days. */
    lateOrgs: number;
    /** Whole days between the daily watermark and today: the catch-up the cron still owes. */
    catchUpDays: number;
    partitions: { name: string; month: string | null; rows: number; bytes: number }[];
    /** Rows in the default partition: months that had events before their partition existed stay there. */
    defaultRows: number;
    /** Raw events before this are dropped by retention (null: nothing dropped yet). */
    rawFrom: string | null;
    ingestion: IngestionHour[];
    rejections: Record<string, number>;
  };
  reconciliation: { checked: number; differences: ReconciliationDifference[]; since: string };
  dataAsOf: string;
}

export async function loadConsole(periodName: ConsolePeriod, now: Date = new Date()): Promise<ConsoleData> {
  const admin = createAdminSupabaseClient();
  const period = consolePeriod(periodName, now);
  const today = startOfUtcDay(now);
  const tomorrow = addUtcDays(today, 1);
  const yesterday = addUtcDays(today, -1);
  const reconcileSince = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 1));

  const [
    counts,
    dau,
    wau,
    mau,
    current,
    previous,
    series,
    byOrg,
    notifications,
    spikes,
    runs,
    failed,
    state,
    late,
    partitions,
    retention,
    ingestion,
    reconciliation,
  ] = await Promise.all([
    admin.rpc("console_platform_counts", {
      p_start: period.start.toISOString(),
      p_end: period.end.toISOString(),
    }),
    getCurrentUsage({}, { start: today, end: tomorrow }),
    getCurrentUsage({}, { start: addUtcDays(today, -6), end: tomorrow }),
    getCurrentUsage({}, { start: addUtcDays(today, -29), end: tomorrow }),
    getCurrentUsage({}, period),
    getCurrentUsage({}, period.previous),
    periodSeries({}, period, now),
    getUsageBreakdown({}, { start: period.start.toISOString(), end: period.end.toISOString() }, "org"),
    admin
      .from("usage_notifications")
      .select("org_id, metric, threshold, used, limit_value, period_start, period_end")
      .gt("period_end", now.toISOString())
      .order("threshold", { ascending: false })
      .limit(100),
    admin.rpc("console_usage_spikes", { p_day: yesterday.toISOString().slice(0, 10) }),
    admin
      .from("usage_aggregation_runs")
      .select(
        "id, period_type, period_start, period_end, rows_upserted, rows_deleted, duration_ms, status, error, started_at",
      )
      .order("started_at", { ascending: false })
      .limit(12),
    admin
      .from("usage_aggregation_runs")
      .select("id", { count: "exact", head: true })
      .eq("status", "failed")
      .gte("started_at", addUtcDays(today, -30).toISOString()),
    admin.from("usage_aggregation_state").select("rolled_through").eq("period_type", "daily").maybeSingle(),
    admin.from("usage_dirty_days").select("day, org_id").order("day", { ascending: false }).limit(1000),
    admin.rpc("console_usage_partitions"),
    admin.from("usage_retention").select("raw_from").maybeSingle(),
    admin
      .from("usage_ingestion_log")
      .select("hour, source, offered, stored, duplicates, rejected, reasons")
      .gte("hour", new Date(now.getTime() - 24 * 3600_000).toISOString())
      .order("hour", { ascending: false }),
    admin.rpc("console_reconciliation", { p_since: reconcileSince.toISOString() }),
  ]);
  for (const result of [
    counts,
    notifications,
    spikes,
    runs,
    failed,
    state,
    late,
    partitions,
    retention,
    ingestion,
    reconciliation,
  ]) {
    if (result.error) throw new Error(`Could not read the console: ${result.error.message}`);
  }

  // Top organizations per metric for the period.
  const topIds = new Map<EventType, { key: string; total: number }[]>();
  for (const row of byOrg) {
    const list = topIds.get(row.metric) ?? [];
    list.push({ key: row.key, total: row.total });
    topIds.set(row.metric, list);
  }
  const notificationRows = notifications.data ?? [];
  const spikeRows = spikes.data ?? [];
  const differenceRows = (reconciliation.data ?? []).filter((row) => Number(row.difference) !== 0);
  const names = await orgNames([
    ...[...topIds.values()].flatMap((list) => list.map((row) => row.key)),
    ...notificationRows.map((row) => row.org_id),
    ...spikeRows.map((row) => row.org_id),
    ...differenceRows.map((row) => row.org_id),
  ]);
  const named = (id: string): OrgName => names.get(id) ?? { id, name: id, planId: null };
  const topOrgs: Partial<Record<EventType, TopOrg[]>> = {};
  for (const [metric, list] of topIds) {
    topOrgs[metric] = list
      .filter((row) => row.total !== 0)
      .sort((a, b) => b.total - a.total)
      .slice(0, 5)
      .map((row) => ({ ...named(row.key), total: row.total }));
  }

  // The upsell list: organizations at 80% or 100% of a limit this billing period, most severe
  // first, one row per organization and metric, with the dashboard's forecast.
  const seen = new Set<string>();
  const upsell: UpsellRow[] = [];
  for (const row of notificationRows) {
    const key = `${row.org_id}:${row.metric}`;
    if (seen.has(key)) continue;
    seen.add(key);
    upsell.push({
      ...named(row.org_id),
      metric: row.metric as EventType,
      threshold: row.threshold === 100 ? 100 : 80,
      used: Number(row.used),
      limit: Number(row.limit_value),
      projected: null,
      crossesAt: null,
    });
  }
  await Promise.all(
    upsell.slice(0, 25).map(async (row) => {
      const plan = await getOrgPlan(row.id, now);
      const usage = await getCurrentUsage(
        { orgId: row.id },
        { start: plan.periodStart, end: plan.periodEnd },
      );
      row.used = usage.totals[row.metric].total;
      if (METRICS[row.metric].kind === "unique") return;
      const forecast = forecastUsage({
        used: row.used,
        limit: row.limit,
        periodStart: plan.periodStart,
        periodEnd: plan.periodEnd,
        now,
      });
      row.projected = forecast?.projected ?? null;
      row.crossesAt = forecast?.crossesAt?.toISOString() ?? null;
    }),
  );

  const reasons: Record<string, number> = {};
  for (const hour of ingestion.data ?? []) {
    for (const [reason, count] of Object.entries((hour.reasons ?? {}) as Record<string, number>)) {
      reasons[reason] = (reasons[reason] ?? 0) + Number(count);
    }
  }
  const byHour = new Map<string, IngestionHour>();
  for (const row of ingestion.data ?? []) {
    const key = `${row.hour}:${row.source}`;
    const entry = byHour.get(key) ?? {
      hour: row.hour,
      source: row.source,
      offered: 0,
      stored: 0,
      duplicates: 0,
      rejected: 0,
    };
    entry.offered += Number(row.offered);
    entry.stored += Number(row.stored);
    entry.duplicates += Number(row.duplicates);
    entry.rejected += Number(row.rejected);
    byHour.set(key, entry);
  }
  const rolledThrough = state.data?.rolled_through ?? null;

  return {
    period: periodJson(period),
    counts: countsSchema.parse(counts.data),
    activeUsers: {
      dau: dau.totals.user_active.total,
      wau: wau.totals.user_active.total,
      mau: mau.totals.user_active.total,
    },
    cards: metricCards(period, current.totals, previous.totals, series),
    topOrgs,
    upsell,
    spikes: {
      day: yesterday.toISOString(),
      rows: spikeRows.map((row) => ({
        ...named(row.org_id),
        metric: row.metric_type as EventType,
        dayTotal: Number(row.day_total),
        trailingAverage: Number(row.trailing_average),
      })),
    },
    health: {
      runs: (runs.data ?? []).map((run) => ({
        id: run.id,
        periodType: run.period_type,
        periodStart: run.period_start,
        periodEnd: run.period_end,
        rowsUpserted: run.rows_upserted,
        rowsDeleted: run.rows_deleted,
        durationMs: run.duration_ms === null ? null : Number(run.duration_ms),
        status: run.status,
        error: run.error,
        startedAt: run.started_at,
      })),
      failedRuns: failed.count ?? 0,
      rolledThrough,
      lagHours: rolledThrough ? (now.getTime() - new Date(rolledThrough).getTime()) / 3600_000 : null,
      lateDays: [...new Set((late.data ?? []).map((row) => row.day))],
      lateOrgs: new Set((late.data ?? []).map((row) => row.org_id)).size,
      catchUpDays: rolledThrough
        ? Math.max(0, Math.floor((today.getTime() - new Date(rolledThrough).getTime()) / 86_400_000))
        : 0,
      partitions: (partitions.data ?? []).map((row) => ({
        name: row.partition_name,
        month: row.month,
        rows: Number(row.rows),
        bytes: Number(row.bytes),
      })),
      defaultRows: Number(
        (partitions.data ?? []).find((row) => row.partition_name === "usage_events_default")?.rows ?? 0,
      ),
      rawFrom: retention.data?.raw_from ?? null,
      ingestion: [...byHour.values()],
      rejections: reasons,
    },
    reconciliation: {
      since: reconcileSince.toISOString(),
      checked: (reconciliation.data ?? []).length,
      differences: differenceRows.map((row) => ({
        ...named(row.org_id),
        month: row.month,
        check: row.check_name as ReconciliationDifference["check"],
        expected: Number(row.expected),
        actual: Number(row.actual),
        difference: Number(row.difference),
      })),
    },
    dataAsOf: now.toISOString(),
  };
}

export interface ConsoleOrg {
  id: string;
  name: string;
  personal: boolean;
  createdAt: string;
  members: MemberOption[];
  dashboard: UsageDashboard;
}

/**
 * One organization as its owners see it (the same dashboard, over a chosen period), with its
 * members; null when there is no such organization.
 */
export async function loadConsoleOrg(
  orgId: string,
  period: Exclude<DashboardPeriodName, "custom">,
  now: Date = new Date(),
): Promise<ConsoleOrg | null> {
  const admin = createAdminSupabaseClient();
  const { data: org, error } = await admin
    .from("organizations")
    .select("id, name, is_personal, created_at")
    .eq("id", orgId)
    .maybeSingle();
  if (error) throw new Error(`Could not read the organization: ${error.message}`);
  if (!org) return null;
  const members = await listMemberOptions(admin, org.id);
  const dashboard = await loadUsageDashboard({
    scope: { kind: "org", orgId: org.id, userId: null },
    role: "owner",
    members,
    period,
    now,
  });
  return {
    id: org.id,
    name: org.name,
    personal: org.is_personal,
    createdAt: org.created_at,
    members,
    dashboard,
  };
}
