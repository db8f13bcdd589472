import "server-only";

import { EVENT_TYPES, type EventType } from "@repo/usage";

import type { createAdminSupabaseClient } from "@/lib/supabase/admin";

/**
 * The reads behind exports and the usage query API, with the service role: callers authorize
 * first. Both functions answer one JSON value per call (a page), so PostgREST's max-rows never
 * cuts one short, and take an AbortSignal, so a client that goes away stops the read.
 */

export type AdminClient = ReturnType<typeof createAdminSupabaseClient>;

/** null org and user: every organization (platform admins only; the caller checks). */
export interface ReadScope {
  orgId: string | null;
  userId: string | null;
}

export interface RawEvent {
  id: string;
  /** ISO 8601 UTC with microseconds, exactly as stored. */
  createdAt: string;
  receivedAt: string;
  orgId: string | null;
  orgName: string | null;
  userId: string;
  memberName: string | null;
  memberEmail: string | null;
  eventType: EventType;
  quantity: number;
  /** event_data as Postgres writes jsonb: JSON text, passed through untouched. */
  eventData: string;
}

export interface EventCursor {
  at: string;
  id: string;
  /** The platform's pages run in (org_id, created_at, id) order. */
  orgId: string | null;
}

type RawTuple = [
  string,
  number,
  number,
  string | null,
  string | null,
  string,
  string | null,
  string | null,
  string,
  number,
  string,
];

/**
 * Microseconds since the epoch as ISO 8601 UTC with all six fraction digits, exactly as Postgres
 * stores the instant (a Date alone keeps milliseconds). Below 2^53, so the number is exact.
 */
export function isoFromMicros(micros: number): string {
  const millis = Math.floor(micros / 1000);
  const rest = micros - millis * 1000;
  return `${new Date(millis).toISOString().slice(0, -1)}${String(rest).padStart(3, "0")}Z`;
}

function isEventType(value: unknown): value is EventType {
  return typeof value === "string" && (EVENT_TYPES as readonly string[]).includes(value);
}

function tuples(data: unknown, width: number, what: string): unknown[][] {
  if (!Array.isArray(data) || data.some((row) => !Array.isArray(row) || row.length !== width)) {
    throw new Error(`Unexpected ${what} page from the database`);
  }
  return data as unknown[][];
}

/**
 * One keyset page of raw events, oldest first: at most `limit` events after `after` in
 * [start, end). `nullOrg` reads the platform's events that belong to no organization.
 */
export async function readEventPage(
  admin: AdminClient,
  params: {
    scope: ReadScope;
    start: Date;
    end: Date;
    metrics: readonly EventType[];
    after: EventCursor | null;
    nullOrg?: boolean;
    limit: number;
    signal?: AbortSignal;
  },
): Promise<RawEvent[]> {
  let query = admin.rpc("usage_export_events", {
    // null means "any": the generated types cannot express a nullable argument
    p_org_id: params.scope.orgId as string,
    p_user_id: params.scope.userId as string,
    p_start: params.start.toISOString(),
    p_end: params.end.toISOString(),
    p_metrics: [...params.metrics],
    p_after_at: params.after?.at,
    p_after_id: params.after?.id,
    p_after_org: params.after?.orgId ?? undefined,
    p_null_org: params.nullOrg ?? false,
    p_limit: params.limit,
  });
  if (params.signal) query = query.abortSignal(params.signal);
  const { data, error } = await query;
  if (error) throw new Error(`Could not read usage events: ${error.message}`);
  return tuples(data, 11, "event").map((row) => {
    const [
      id,
      createdAt,
      receivedAt,
      orgId,
      orgName,
      userId,
      memberName,
      memberEmail,
      eventType,
      quantity,
      eventData,
    ] = row as RawTuple;
    if (!isEventType(eventType))
      throw new Error(`Unknown event type ${JSON.stringify(eventType)} in usage_events`);
    return {
      id,
      createdAt: isoFromMicros(Number(createdAt)),
      receivedAt: isoFromMicros(Number(receivedAt)),
      orgId,
      orgName,
      userId,
      memberName,
      memberEmail,
      eventType,
      quantity: Number(quantity),
      eventData,
    };
  });
}

export interface BucketRow {
  /** ISO start of the bucket; null for a gauge's level before the range. */
  bucketStart: string | null;
  orgId: string | null;
  orgName: string | null;
  userId: string;
  memberName: string | null;
  memberEmail: string | null;
  /** The catalog's dimension fields joined by U+001F; "" without dimensions or when not asked. */
  dimension: string;
  metric: EventType;
  /** Counters: the sum; unique metrics: 1 (the member was active); the gauge: its net change. */
  total: number;
  count: number;
}

type BucketTuple = [
  string | null,
  string | null,
  string | null,
  string,
  string | null,
  string | null,
  string,
  string,
  number,
  number,
];

/**
 * Exact per-bucket rows in [start, end) (usage_bucket_rows: roll-ups plus the live tail, like the
 * dashboard), per organization, member and metric, and per dimension when asked; with `baseline`,
 * the gauge's level at `start` per organization and member (bucketStart null).
 */
export async function readBucketRows(
  admin: AdminClient,
  params: {
    scope: ReadScope;
    start: Date;
    end: Date;
    bucket: "day" | "month";
    metrics: readonly EventType[];
    dimension: boolean;
    baseline: boolean;
    signal?: AbortSignal;
  },
): Promise<BucketRow[]> {
  let query = admin.rpc("usage_bucket_rows", {
    p_org_id: params.scope.orgId as string,
    p_user_id: params.scope.userId as string,
    p_start: params.start.toISOString(),
    p_end: params.end.toISOString(),
    p_bucket: params.bucket,
    p_metrics: [...params.metrics],
    p_dimension: params.dimension,
    p_baseline: params.baseline,
  });
  if (params.signal) query = query.abortSignal(params.signal);
  const { data, error } = await query;
  if (error) throw new Error(`Could not read usage per bucket: ${error.message}`);
  return tuples(data, 10, "bucket").flatMap((row) => {
    const [bucketStart, orgId, orgName, userId, memberName, memberEmail, dimension, metric, total, count] =
      row as BucketTuple;
    if (!isEventType(metric)) return [];
    return [
      {
        bucketStart: bucketStart ? new Date(bucketStart).toISOString() : null,
        orgId,
        orgName,
        userId,
        memberName,
        memberEmail,
        dimension,
        metric,
        total: Number(total),
        count: Number(count),
      },
    ];
  });
}
