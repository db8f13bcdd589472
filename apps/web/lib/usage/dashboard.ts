import "server-only";

import {
  EVENT_TYPES,
  METRICS,
  changeRatio,
  checkLimit,
  dimensionParts,
  fillBuckets,
  forecastUsage,
  gaugeAtBucketEnds,
  resolvePeriod,
  startOfUtcDay,
  startOfUtcMonth,
  statusClass,
  type DashboardPeriodName,
  type EventType,
  type LimitStatus,
  type ResolvedPeriod,
  type SeriesRow,
} from "@repo/usage";
import type { SupabaseClient } from "@supabase/supabase-js";
import { unstable_cache } from "next/cache";

import type { OrgRole } from "@/lib/auth/server";
import { listMembers } from "@/lib/orgs/queries";
import type { Database } from "@/lib/supabase/database.types";

import { USAGE_ROLLUPS_TAG } from "./aggregation";
import { getOrgPlan } from "./limits";
import {
  getCurrentUsage,
  getUsageBreakdown,
  getUsageSeries,
  listOpenNotifications,
  type SeriesPoint,
  type UsageNotification,
  type UsageScope,
  type UsageTotals,
} from "./queries";

/**
 * The usage dashboard's data for one organization, scope and period, decided and read on the
 * server. Authorization comes first: owners and admins see the organization or one member; plain
 * members see only their own usage, and of the organization only where it stands against its
 * limits (percent and state). Every number is exact (roll-ups plus the live tail); closed buckets
 * are cached until the next roll-up, today's never.
 */

export type DashboardScope =
  | { kind: "org"; orgId: string; userId: null }
  | { kind: "member"; orgId: string; userId: string }
  | { kind: "self"; orgId: string; userId: string };

export interface ScopeRequest {
  orgId: string;
  role: OrgRole;
  viewerId: string;
  /** `member=` from the URL. */
  memberId: string | null;
  /** `scope=org` from the URL. */
  wantsOrg: boolean;
}

export type ScopeRefusal = "member_not_allowed" | "member_unknown" | "org_scope_not_allowed";

export interface MemberOption {
  userId: string;
  name: string;
  email: string;
  role: OrgRole;
}

/**
 * Which usage the viewer may see. Owners and admins: the organization, or one of its members.
 * Members: themselves, whatever the URL asks (with the reason when it asked for more).
 */
export function decideScope(
  request: ScopeRequest,
  members: MemberOption[],
): { scope: DashboardScope; refused: ScopeRefusal | null } {
  const manager = request.role === "owner" || request.role === "admin";
  const self: DashboardScope = { kind: "self", orgId: request.orgId, userId: request.viewerId };
  if (!manager) {
    if (request.memberId && request.memberId !== request.viewerId)
      return { scope: self, refused: "member_not_allowed" };
    if (request.wantsOrg) return { scope: self, refused: "org_scope_not_allowed" };
    return { scope: self, refused: null };
  }
  if (!request.memberId) return { scope: { kind: "org", orgId: request.orgId, userId: null }, refused: null };
  if (!members.some((m) => m.userId === request.memberId))
    return { scope: { kind: "org", orgId: request.orgId, userId: null }, refused: "member_unknown" };
  return { scope: { kind: "member", orgId: request.orgId, userId: request.memberId }, refused: null };
}

export interface MetricCard {
  metric: EventType;
  /** The period's value: a sum, distinct users, or (storage) what is stored at its end. */
  value: number;
  previous: number;
  change: number | null;
  /** One value per bucket (storage: the level at each bucket's end). */
  series: number[];
}

export interface LimitMeter {
  metric: EventType;
  status: LimitStatus;
  /** used / limit; null when unlimited. */
  ratio: number | null;
  /** Absent for plain members: they see where the organization stands, not its numbers. */
  used?: number;
  limit?: number | null;
  projected?: number;
  /** ISO date the limit will be reached at the current run-rate, if before the period ends. */
  crossesAt: string | null;
}

export interface MemberRow extends MemberOption {
  totals: Partial<Record<EventType, number>>;
}

export interface DimensionRow {
  key: string;
  total: number;
}

export interface UsageDashboard {
  scope: DashboardScope;
  period: {
    name: DashboardPeriodName;
    start: string;
    end: string;
    bucket: "day" | "month";
    buckets: string[];
    previous: { start: string; end: string };
  };
  billing: { planId: string; planName: string; start: string; end: string };
  cards: MetricCard[];
  limits: LimitMeter[];
  members: MemberRow[] | null;
  breakdowns: { apiRoutes: DimensionRow[]; apiStatus: DimensionRow[]; aiModels: DimensionRow[] };
  notifications: UsageNotification[] | null;
  freshness: { dataAsOf: string; refreshedAt: string | null; rolledThrough: string | null };
}

const iso = (date: Date) => date.toISOString();

/** Roll-ups only change when an aggregation run finishes, which revalidates USAGE_ROLLUPS_TAG. */
const cachedSeriesInNext = unstable_cache(
  (scope: UsageScope, range: { start: string; end: string }, bucket: "day" | "month") =>
    getUsageSeries(scope, range, bucket),
  ["usage-series-closed"],
  { tags: [USAGE_ROLLUPS_TAG], revalidate: 3600 },
);

async function cachedSeries(
  scope: UsageScope,
  range: { start: string; end: string },
  bucket: "day" | "month",
) {
  try {
    return await cachedSeriesInNext(scope, range, bucket);
  } catch (error) {
    // Outside a Next.js server (scripts, tests) there is no cache to use.
    if (error instanceof Error && /incrementalCache missing/i.test(error.message))
      return getUsageSeries(scope, range, bucket);
    throw error;
  }
}

/**
 * The series for a period: buckets that have closed come from the cache (they change only when
 * roll-ups do), the open bucket is read live. The gauge's level at the start comes with the closed
 * part, so the live part's own baseline is dropped.
 */
export async function periodSeries(
  scope: UsageScope,
  period: ResolvedPeriod,
  now: Date,
): Promise<SeriesRow[]> {
  const openFrom = period.bucket === "day" ? startOfUtcDay(now) : startOfUtcMonth(now);
  const cut = new Date(Math.min(Math.max(openFrom.getTime(), period.start.getTime()), period.end.getTime()));
  const [closed, live] = await Promise.all([
    cut > period.start
      ? cachedSeries(scope, { start: iso(period.start), end: iso(cut) }, period.bucket)
      : Promise.resolve([]),
    cut < period.end ? getUsageSeries(scope, { start: iso(cut), end: iso(period.end) }, period.bucket) : [],
  ]);
  const baseline =
    cut > period.start
      ? closed.filter((p) => p.bucketStart === null)
      : live.filter((p) => p.bucketStart === null);
  const toRow = (p: SeriesPoint): SeriesRow => ({
    bucketStart: p.bucketStart ? new Date(p.bucketStart) : null,
    metric: p.metric,
    total: p.total,
  });
  return [
    ...closed.filter((p) => p.bucketStart !== null),
    ...live.filter((p) => p.bucketStart !== null),
    ...baseline,
  ].map(toRow);
}

function sortedRows(rows: Map<string, number>): DimensionRow[] {
  return [...rows.entries()].map(([key, total]) => ({ key, total })).sort((a, b) => b.total - a.total);
}

/** One card per metric: the period's value, the one before, the change, and a value per bucket. */
export function metricCards(
  period: ResolvedPeriod,
  current: UsageTotals,
  previous: UsageTotals,
  series: SeriesRow[],
): MetricCard[] {
  return EVENT_TYPES.map((metric) => {
    const value = current[metric].total;
    const before = previous[metric].total;
    return {
      metric,
      value,
      previous: before,
      change: changeRatio(value, before),
      series:
        METRICS[metric].kind === "gauge"
          ? gaugeAtBucketEnds(period.buckets, series, metric)
          : fillBuckets(period.buckets, series, metric),
    };
  });
}

/** A period as plain JSON for the page. */
export function periodJson(period: ResolvedPeriod): UsageDashboard["period"] {
  return {
    name: period.period,
    start: iso(period.start),
    end: iso(period.end),
    bucket: period.bucket,
    buckets: period.buckets.map(iso),
    previous: { start: iso(period.previous.start), end: iso(period.previous.end) },
  };
}

export interface LoadDashboardParams {
  scope: DashboardScope;
  role: OrgRole;
  members: MemberOption[];
  period: DashboardPeriodName;
  custom?: { from: Date; to: Date };
  now?: Date;
}

export async function loadUsageDashboard(params: LoadDashboardParams): Promise<UsageDashboard> {
  const now = params.now ?? new Date();
  const { scope } = params;
  const manager = params.role === "owner" || params.role === "admin";
  const plan = await getOrgPlan(scope.orgId, now);
  const period = resolvePeriod(
    params.period,
    now,
    { start: plan.periodStart, end: plan.periodEnd },
    params.custom,
  );
  const usageScope: UsageScope = { orgId: scope.orgId, userId: scope.userId };
  const range = { start: iso(period.start), end: iso(period.end) };

  const [current, previous, series, billingUsage, storageAtBillingStart, members, dimensions, notifications] =
    await Promise.all([
      getCurrentUsage(usageScope, period),
      getCurrentUsage(usageScope, period.previous),
      periodSeries(usageScope, period, now),
      // Limits are the organization's, over the billing period, whatever period is shown.
      getCurrentUsage({ orgId: scope.orgId }, { start: plan.periodStart, end: plan.periodEnd }),
      getCurrentUsage(
        { orgId: scope.orgId },
        { start: new Date(plan.periodStart.getTime() - 1), end: plan.periodStart },
      ),
      manager && scope.kind === "org"
        ? getUsageBreakdown(usageScope, range, "member")
        : Promise.resolve(null),
      getUsageBreakdown(usageScope, range, "dimension"),
      manager ? listOpenNotifications(scope.orgId, now) : Promise.resolve(null),
    ]);

  const cards = metricCards(period, current.totals, previous.totals, series);

  const limits: LimitMeter[] = EVENT_TYPES.map((metric) => {
    const used = billingUsage.totals[metric].total;
    const check = checkLimit(metric, used, plan.limits);
    const forecast =
      METRICS[metric].kind === "unique"
        ? null
        : forecastUsage({
            used,
            usedAtStart:
              METRICS[metric].kind === "gauge" ? storageAtBillingStart.totals[metric].total : undefined,
            limit: check.limit,
            periodStart: plan.periodStart,
            periodEnd: plan.periodEnd,
            now,
          });
    const meter: LimitMeter = {
      metric,
      status: check.status,
      ratio: check.ratio,
      crossesAt: forecast?.crossesAt ? iso(forecast.crossesAt) : null,
    };
    return manager ? { ...meter, used, limit: check.limit, projected: forecast?.projected } : meter;
  });

  let memberRows: MemberRow[] | null = null;
  if (members) {
    memberRows = params.members.map((member) => ({ ...member, totals: {} }));
    const byId = new Map(memberRows.map((row) => [row.userId, row]));
    for (const row of members) {
      const target = byId.get(row.key);
      if (target) target.totals[row.metric] = row.total;
    }
  }

  const apiRoutes = new Map<string, number>();
  const apiStatus = new Map<string, number>();
  const aiModels = new Map<string, number>();
  for (const row of dimensions) {
    if (row.metric === "api_call") {
      const [route = "", status] = dimensionParts(row.key);
      apiRoutes.set(route || "(unknown)", (apiRoutes.get(route || "(unknown)") ?? 0) + row.total);
      const cls = statusClass(status);
      apiStatus.set(cls, (apiStatus.get(cls) ?? 0) + row.total);
    } else if (row.metric === "ai_tokens_used") {
      const model = dimensionParts(row.key)[0] || "(unknown)";
      aiModels.set(model, (aiModels.get(model) ?? 0) + row.total);
    }
  }

  return {
    scope,
    period: periodJson(period),
    billing: {
      planId: plan.planId,
      planName: plan.planName,
      start: iso(plan.periodStart),
      end: iso(plan.periodEnd),
    },
    cards,
    limits,
    members: memberRows,
    breakdowns: {
      apiRoutes: sortedRows(apiRoutes),
      apiStatus: sortedRows(apiStatus),
      aiModels: sortedRows(aiModels),
    },
    notifications,
    freshness: {
      dataAsOf: iso(current.dataAsOf),
      refreshedAt: current.refreshedAt ? iso(current.refreshedAt) : null,
      rolledThrough: current.rolledThrough ? iso(current.rolledThrough) : null,
    },
  };
}

/**
 * The organization's members for the member picker and the breakdown: read under RLS with the
 * user's client, or with the service role by the platform console (after requireAdmin()).
 */
export async function listMemberOptions(
  supabase: SupabaseClient<Database>,
  orgId: string,
): Promise<MemberOption[]> {
  const members = await listMembers(supabase, orgId);
  return members.map((m) => ({
    userId: m.user_id,
    name: m.displayName ?? m.email,
    email: m.email,
    role: m.role,
  }));
}
