import "server-only";

import { METRICS, dimensionParts, periodEnd, periodsIntersecting, type EventType } from "@repo/usage";

import { readBucketRows, type AdminClient, type BucketRow } from "./export-queries";
import type { UsageQueryParams } from "./export-schemas";
import { readRawEventsFrom, retentionNotice } from "./retention";

/**
 * The usage query API's answer (GET /api/v1/usage): one metric of one organization per bucket,
 * every bucket of the range (zeros included), exact like the dashboard (roll-ups for closed periods
 * plus the live tail, through the same reader), optionally per member or per dimension.
 * Counters sum, active users are distinct users, storage is the level at each bucket's end.
 */

export type UsageGroupKey = { member_id: string } | { dimension: Record<string, string | null> };

export interface UsageAmount {
  total: number;
  count: number;
}

export interface UsageBucket extends UsageAmount {
  start: string;
  end: string;
  groups?: (UsageGroupKey & UsageAmount)[];
}

export interface UsageQueryAnswer {
  metric: EventType;
  unit: string;
  kind: "counter" | "gauge" | "unique";
  window: "day" | "month";
  from: string;
  to: string;
  group_by: "member" | "dimension" | null;
  dimension_fields?: string[];
  /** Over the whole range: the sum, the distinct users, or the level at its end. */
  total: number;
  count: number;
  groups?: (UsageGroupKey & UsageAmount)[];
  buckets: UsageBucket[];
  /** Exact as of this instant. */
  as_of: string;
  /** Where raw events start (null: every raw event is kept). */
  raw_events_from: string | null;
  /** Set when the range reaches before raw_events_from: what that means for the numbers. */
  notice?: string;
}

interface Tally {
  total: number;
  count: number;
  users: Set<string>;
}

const emptyTally = (): Tally => ({ total: 0, count: 0, users: new Set() });

function add(tally: Tally, row: BucketRow) {
  tally.total += row.total;
  tally.count += row.count;
  tally.users.add(row.userId);
}

export async function queryUsageBuckets(
  admin: AdminClient,
  orgId: string,
  params: UsageQueryParams,
  signal?: AbortSignal,
): Promise<UsageQueryAnswer> {
  const asOf = new Date();
  const rawFrom = await readRawEventsFrom(admin);
  const metric = params.metric;
  const definition = METRICS[metric];
  const type = params.window === "day" ? "daily" : "monthly";
  const groupBy = params.group_by ?? null;
  const rows = await readBucketRows(admin, {
    scope: { orgId, userId: null },
    start: params.from,
    end: params.to,
    bucket: params.window,
    metrics: [metric],
    dimension: groupBy === "dimension",
    baseline: definition.kind === "gauge",
    signal,
  });

  const groupOf = (row: BucketRow) =>
    groupBy === "member" ? row.userId : groupBy === "dimension" ? row.dimension : "";
  const baseline = new Map<string, number>();
  const cells = new Map<string, Map<string, Tally>>(); // bucket start → group → tally
  const whole = new Map<string, Tally>(); // group → tally over the range
  for (const row of rows) {
    const group = groupOf(row);
    if (row.bucketStart === null) {
      baseline.set(group, (baseline.get(group) ?? 0) + row.total);
      continue;
    }
    const inBucket = cells.get(row.bucketStart) ?? new Map<string, Tally>();
    const tally = inBucket.get(group) ?? emptyTally();
    add(tally, row);
    inBucket.set(group, tally);
    cells.set(row.bucketStart, inBucket);
    const overall = whole.get(group) ?? emptyTally();
    add(overall, row);
    whole.set(group, overall);
  }
  const groups = [
    ...new Set([...whole.keys(), ...[...baseline].filter(([, v]) => v !== 0).map(([k]) => k)]),
  ].sort();

  const groupKey = (group: string): UsageGroupKey => {
    if (groupBy === "member") return { member_id: group };
    const parts = dimensionParts(group);
    return {
      dimension: Object.fromEntries(definition.dimensions.map((field, i) => [field, parts[i] || null])),
    };
  };
  const value = (tally: Tally | undefined) =>
    !tally ? 0 : definition.kind === "unique" ? tally.users.size : tally.total;

  const levels = new Map(groups.map((group) => [group, baseline.get(group) ?? 0]));
  const buckets: UsageBucket[] = periodsIntersecting(type, params.from, params.to).map((start) => {
    const inBucket = cells.get(start.toISOString());
    const perGroup = groups.map((group) => {
      const tally = inBucket?.get(group);
      let total = value(tally);
      if (definition.kind === "gauge") {
        total = (levels.get(group) ?? 0) + (tally?.total ?? 0);
        levels.set(group, total);
      }
      return { group, total, count: tally?.count ?? 0 };
    });
    const users = new Set<string>();
    for (const tally of inBucket?.values() ?? []) for (const user of tally.users) users.add(user);
    const bucket: UsageBucket = {
      start: new Date(Math.max(start.getTime(), params.from.getTime())).toISOString(),
      end: new Date(Math.min(periodEnd(type, start).getTime(), params.to.getTime())).toISOString(),
      total: definition.kind === "unique" ? users.size : perGroup.reduce((sum, g) => sum + g.total, 0),
      count: perGroup.reduce((sum, g) => sum + g.count, 0),
    };
    if (groupBy)
      bucket.groups = perGroup.map((g) => ({ ...groupKey(g.group), total: g.total, count: g.count }));
    return bucket;
  });

  const allUsers = new Set<string>();
  for (const tally of whole.values()) for (const user of tally.users) allUsers.add(user);
  const rangeTotal =
    definition.kind === "unique"
      ? allUsers.size
      : definition.kind === "gauge"
        ? [...levels.values()].reduce((sum, level) => sum + level, 0)
        : [...whole.values()].reduce((sum, tally) => sum + tally.total, 0);

  const answer: UsageQueryAnswer = {
    metric,
    unit: definition.unit,
    kind: definition.kind,
    window: params.window,
    from: params.from.toISOString(),
    to: params.to.toISOString(),
    group_by: groupBy,
    total: rangeTotal,
    count: [...whole.values()].reduce((sum, tally) => sum + tally.count, 0),
    buckets,
    as_of: asOf.toISOString(),
    raw_events_from: rawFrom?.toISOString() ?? null,
  };
  const notice = retentionNotice(params.from, rawFrom);
  if (notice) answer.notice = notice;
  if (groupBy === "dimension") answer.dimension_fields = [...definition.dimensions];
  if (groupBy) {
    answer.groups = groups.map((group) => ({
      ...groupKey(group),
      total: definition.kind === "gauge" ? (levels.get(group) ?? 0) : value(whole.get(group)),
      count: whole.get(group)?.count ?? 0,
    }));
  }
  return answer;
}
