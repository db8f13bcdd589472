// aggregate_usage(), the late-event trigger and usage_totals() against the real database
// (supabase/migrations/20261127000500_usage_aggregation.sql).
//
// The stack is shared with other test files running in parallel, and one of them runs the
// aggregation cron, which rolls up every day that has late events (and, while the watermark is
// unset, every day there is). So every test writes events under its own random user and org ids and
// its own idempotency-key prefix, on days (in 2024-2025) no other test uses, and asserts only on its
// own rows. Tests that assert an intermediate state (a day not rolled up yet, a late mark, the row
// counts of one run) run in a transaction on one connection that is rolled back at the end
// (`isolated`): nobody else sees their events or races their assertions, and nothing is left behind.
// The others assert only what holds whoever rolls up in between. Nothing assumes a value of the
// global watermark; where reads must go through the roll-ups, a test rolls the past up itself
// (catchUp), which only moves the watermark forward.
import { randomUUID } from "node:crypto";

import { type SupabaseClient } from "@supabase/supabase-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  anonClient,
  createOrg,
  createTestUser,
  serviceClient,
  sql,
  type TestUser,
  type TypedClient,
} from "../../tests/support/supabase";

type Db = ReturnType<typeof sql>;

const db = sql();
afterAll(() => db.end());

type Metric =
  | "record_created"
  | "api_call"
  | "automation_run"
  | "storage_used"
  | "schedule_executed"
  | "ai_tokens_used"
  | "user_active";

const COUNTERS: Metric[] = [
  "record_created",
  "api_call",
  "automation_run",
  "schedule_executed",
  "ai_tokens_used",
];

interface EventInput {
  user: string;
  org: string | null;
  type: Metric;
  quantity: number | string;
  /** ISO timestamp; strings keep microseconds, which a Date cannot. */
  at: string;
}

interface RunResult {
  period_type: string;
  period_start: string;
  period_end: string;
  rows_upserted: number;
  rows_deleted: number;
  duration_ms: number;
}

interface RollupRow {
  id: string;
  period_start: Date;
  period_end: Date;
  org_id: string | null;
  user_id: string;
  metric_type: string;
  total: string;
  count: number;
  updated_at: Date;
}

interface Total {
  metric: string;
  total: string;
  count: number;
}

const DAY = 86_400_000;

/** The generated Args mark every parameter non-null; usage_totals takes null for "any user". */
function untyped(client: TypedClient): SupabaseClient {
  return client as unknown as SupabaseClient;
}

/** A fresh test's ids: an idempotency-key prefix, an org and users nobody else uses. */
function ids(users = 1) {
  return {
    prefix: randomUUID(),
    org: randomUUID(),
    users: Array.from({ length: users }, () => randomUUID()),
  };
}

function user(list: string[], index: number): string {
  const id = list[index];
  if (!id) throw new Error(`no user ${index}`);
  return id;
}

/**
 * Runs `body` in a transaction on one reserved connection and rolls it back. aggregate_usage behaves
 * as in its own transaction (each statement sees the ones before), and its advisory lock keeps other
 * roll-ups out until the end.
 */
async function isolated(body: (conn: Db) => Promise<void>): Promise<void> {
  const conn = await db.reserve();
  try {
    await conn`begin`;
    await body(conn);
  } finally {
    await conn`rollback`;
    conn.release();
  }
}

async function insertEvents(prefix: string, events: EventInput[], conn: Db = db): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((e) => ({
    user_id: e.user,
    org_id: e.org,
    event_type: e.type,
    quantity: String(e.quantity),
    event_data: { source: "aggregate-usage.test" },
    created_at: e.at,
    idempotency_key: `${prefix}:${randomUUID()}`,
  }));
  // One statement, as ingestion does (the late-day trigger runs per statement). Sent as text and
  // parsed by Postgres, so timestamps keep their microseconds: postgres.js would pass a timestamptz
  // parameter through a JavaScript Date.
  await conn`
    insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
    select user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key
    from jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb) as r(
      user_id uuid, org_id uuid, event_type text, quantity numeric, event_data jsonb, created_at timestamptz,
      idempotency_key text
    )`;
}

async function aggregate(type: string | null, start: string, end: string, conn: Db = db): Promise<RunResult> {
  const [row] = await conn<{ result: RunResult }[]>`
    select public.aggregate_usage(${type}, ${start}::text::timestamptz, ${end}::text::timestamptz) as result`;
  if (!row) throw new Error("aggregate_usage returned no row");
  return row.result;
}

/**
 * Rolls up every day from the oldest event to three days ago, and every closed month, as a catch-up
 * job would: afterwards usage_totals reads roll-ups for everything before that. It stops short of
 * the last days, whose late marks another test file asserts on, and only moves the watermarks
 * forward.
 */
async function catchUp(conn: Db = db): Promise<void> {
  // aggregate_usage takes at most ten years a call; tests/integration/usage-export.test.ts writes
  // events in 2010 into the same database, and no test here writes anything that old.
  const oldest = conn`greatest((select min(created_at) from public.usage_events), now() - interval '9 years')`;
  await conn`select public.aggregate_usage('daily', ${oldest},
               date_trunc('day', now() at time zone 'utc') at time zone 'utc' - interval '3 days')`;
  await conn`select public.aggregate_usage('monthly', ${oldest},
               date_trunc('month', now() at time zone 'utc') at time zone 'utc')`;
  const [state] = await conn<{ daily: boolean; monthly: boolean }[]>`
    select
      (select rolled_through from public.usage_aggregation_state where period_type = 'daily')
        >= date_trunc('day', now() at time zone 'utc') at time zone 'utc' - interval '3 days' as daily,
      (select rolled_through from public.usage_aggregation_state where period_type = 'monthly')
        >= date_trunc('month', now() at time zone 'utc') at time zone 'utc' as monthly`;
  // A precondition, not the subject: the reads that follow must go through the roll-ups.
  expect(state).toEqual({ daily: true, monthly: true });
}

/** The roll-up rows of the given users (optionally one range of period starts), ordered. */
async function rollups(
  users: string[],
  type: "daily" | "monthly",
  from = "-infinity",
  to = "infinity",
  conn: Db = db,
): Promise<RollupRow[]> {
  const rows = await conn<RollupRow[]>`
    select id::text, period_start, period_end, org_id, user_id, metric_type,
           trim_scale(total_quantity)::text as total, event_count::int as count, updated_at
    from public.usage_aggregations
    where period_type = ${type} and user_id in ${conn(users)}
      and period_start >= ${from}::text::timestamptz and period_start < ${to}::text::timestamptz
    order by period_start, org_id nulls first, user_id, metric_type`;
  return rows.map((r) => ({ ...r }));
}

type Summary = Pick<RollupRow, "period_start" | "org_id" | "user_id" | "metric_type" | "total" | "count">;

function summary(rows: RollupRow[]): Summary[] {
  return rows.map(({ period_start, org_id, user_id, metric_type, total, count }) => ({
    period_start,
    org_id,
    user_id,
    metric_type,
    total,
    count,
  }));
}

/** What the roll-up rows of a test's events must be, straight from usage_events. */
async function expectedRollups(prefix: string, type: "daily" | "monthly", conn: Db = db): Promise<Summary[]> {
  const unit = type === "daily" ? "day" : "month";
  const rows = await conn<Summary[]>`
    select date_trunc(${unit}, created_at at time zone 'utc') at time zone 'utc' as period_start,
           org_id, user_id, event_type as metric_type,
           trim_scale(case when event_type = 'user_active' then 1 else sum(quantity) end)::text as total,
           count(*)::int as count
    from public.usage_events
    where idempotency_key like ${prefix} || ':%'
    group by 1, org_id, user_id, event_type
    order by 1, org_id nulls first, user_id, metric_type`;
  return rows.map((r) => ({ ...r }));
}

async function totals(
  org: string | null,
  userId: string | null,
  start: string,
  end: string,
  conn: Db = db,
): Promise<Total[]> {
  const rows = await conn<Total[]>`
    select metric_type as metric, trim_scale(total_quantity)::text as total, event_count::int as count
    from public.usage_totals(${org}::uuid, ${userId}::uuid, ${start}::text::timestamptz, ${end}::text::timestamptz)
    order by metric_type`;
  return rows.map((r) => ({ ...r }));
}

/** usage_totals computed from raw events only: the definition it must match exactly. */
async function rawTotals(
  org: string | null,
  userId: string | null,
  start: string,
  end: string,
  conn: Db = db,
): Promise<Total[]> {
  const rows = await conn<Total[]>`
    select metric, total, count from (
      select event_type as metric,
             trim_scale(case when event_type = 'user_active' then count(distinct user_id)::numeric
                             else sum(quantity) end)::text as total,
             count(*)::int as count
      from public.usage_events
      where (${org}::uuid is null or org_id = ${org}::uuid) and (${userId}::uuid is null or user_id = ${userId}::uuid)
        and event_type <> 'storage_used'
        and created_at >= ${start}::text::timestamptz and created_at < ${end}::text::timestamptz
      group by event_type
      union all
      select 'storage_used', trim_scale(sum(quantity))::text, count(*)::int
      from public.usage_events
      where (${org}::uuid is null or org_id = ${org}::uuid) and (${userId}::uuid is null or user_id = ${userId}::uuid)
        and event_type = 'storage_used' and created_at < ${end}::text::timestamptz
      having count(*) > 0
    ) t
    order by metric`;
  return rows.map((r) => ({ ...r }));
}

async function expectTotalsExact(
  org: string | null,
  userId: string | null,
  start: string,
  end: string,
  conn: Db = db,
): Promise<void> {
  const expected = await rawTotals(org, userId, start, end, conn);
  expect(
    await totals(org, userId, start, end, conn),
    `usage_totals(${org}, ${userId}, ${start}, ${end})`,
  ).toEqual(expected);
}

function totalOf(list: Total[], metric: Metric): string | undefined {
  return list.find((t) => t.metric === metric)?.total;
}

async function dirtyDay(day: string, conn: Db = db): Promise<boolean> {
  const [row] = await conn<{ dirty: boolean }[]>`
    select exists (select 1 from public.usage_dirty_days where day = ${day}::text::date) as dirty`;
  return row?.dirty ?? false;
}

async function dirtyMonth(month: string, conn: Db = db): Promise<boolean> {
  const [row] = await conn<{ dirty: boolean }[]>`
    select exists (select 1 from public.usage_dirty_months where month = ${month}::text::date) as dirty`;
  return row?.dirty ?? false;
}

/** A small seeded PRNG, so the "random" events are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T>(random: () => number, list: readonly T[]): T {
  const item = list[Math.floor(random() * list.length)];
  if (item === undefined) throw new Error("empty list");
  return item;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function utcDayStart(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

describe("aggregate_usage: period boundaries", () => {
  it("splits days at midnight UTC and rolls up the whole days that intersect the range", async () => {
    await isolated(async (conn) => {
      const t = ids();
      const u = user(t.users, 0);
      await insertEvents(
        t.prefix,
        [
          { user: u, org: t.org, type: "api_call", quantity: 16, at: "2024-04-09T23:59:59.999999Z" },
          { user: u, org: t.org, type: "api_call", quantity: 1, at: "2024-04-10T00:00:00Z" },
          { user: u, org: t.org, type: "api_call", quantity: 2, at: "2024-04-10T23:59:59.999Z" },
          { user: u, org: t.org, type: "api_call", quantity: 4, at: "2024-04-11T00:00:00Z" },
          { user: u, org: t.org, type: "api_call", quantity: 8, at: "2024-04-11T12:00:00Z" },
        ],
        conn,
      );

      // [04-10, 04-11) is exactly one day: 04-09 and 04-11 are not touched.
      const first = await aggregate("daily", "2024-04-10T00:00:00Z", "2024-04-11T00:00:00Z", conn);
      expect(new Date(first.period_start).toISOString()).toBe("2024-04-10T00:00:00.000Z");
      expect(new Date(first.period_end).toISOString()).toBe("2024-04-11T00:00:00.000Z");
      expect(summary(await rollups([u], "daily", undefined, undefined, conn))).toEqual([
        {
          period_start: new Date("2024-04-10T00:00:00Z"),
          org_id: t.org,
          user_id: u,
          metric_type: "api_call",
          total: "3",
          count: 2,
        },
      ]);

      // One millisecond past midnight makes 04-11 part of the range, as a whole day.
      const second = await aggregate("daily", "2024-04-10T00:00:00Z", "2024-04-11T00:00:00.001Z", conn);
      expect(new Date(second.period_end).toISOString()).toBe("2024-04-12T00:00:00.000Z");
      const rows = await rollups([u], "daily", undefined, undefined, conn);
      expect(rows.map((r) => [r.period_start.toISOString(), r.total, r.count])).toEqual([
        ["2024-04-10T00:00:00.000Z", "3", 2],
        ["2024-04-11T00:00:00.000Z", "12", 2],
      ]);
      for (const r of rows) expect(r.period_end.getTime() - r.period_start.getTime()).toBe(DAY);

      // A start in the middle of a day takes that whole day, including its last microsecond.
      const third = await aggregate("daily", "2024-04-09T12:00:00Z", "2024-04-10T00:00:00Z", conn);
      expect(new Date(third.period_start).toISOString()).toBe("2024-04-09T00:00:00.000Z");
      expect(
        (await rollups([u], "daily", undefined, undefined, conn)).map((r) => [
          r.period_start.toISOString(),
          r.total,
        ]),
      ).toEqual([
        ["2024-04-09T00:00:00.000Z", "16"],
        ["2024-04-10T00:00:00.000Z", "3"],
        ["2024-04-11T00:00:00.000Z", "12"],
      ]);
    });
  });

  it("splits months (29 February 2024, New Year) at midnight UTC", async () => {
    await isolated(async (conn) => {
      const t = ids();
      const u = user(t.users, 0);
      await insertEvents(
        t.prefix,
        [
          { user: u, org: t.org, type: "record_created", quantity: 1000, at: "2024-01-31T23:59:59.999999Z" },
          { user: u, org: t.org, type: "record_created", quantity: 100, at: "2024-02-01T00:00:00Z" },
          { user: u, org: t.org, type: "record_created", quantity: 1, at: "2024-02-29T23:59:59.999Z" },
          { user: u, org: t.org, type: "record_created", quantity: 10, at: "2024-03-01T00:00:00Z" },
          { user: u, org: t.org, type: "record_created", quantity: 5, at: "2024-12-31T23:59:59.999Z" },
          { user: u, org: t.org, type: "record_created", quantity: 50, at: "2025-01-01T00:00:00Z" },
        ],
        conn,
      );
      const monthly = async () =>
        (await rollups([u], "monthly", undefined, undefined, conn)).map((r) => [
          r.period_start.toISOString(),
          r.period_end.toISOString(),
          r.total,
          r.count,
        ]);

      const feb = await aggregate("monthly", "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z", conn);
      expect(new Date(feb.period_start).toISOString()).toBe("2024-02-01T00:00:00.000Z");
      expect(new Date(feb.period_end).toISOString()).toBe("2024-03-01T00:00:00.000Z");
      expect(await monthly()).toEqual([["2024-02-01T00:00:00.000Z", "2024-03-01T00:00:00.000Z", "101", 2]]);

      // One microsecond into March adds March; a start in mid-January adds January.
      await aggregate("monthly", "2024-01-15T00:00:00Z", "2024-03-01T00:00:00.000001Z", conn);
      await aggregate("monthly", "2024-12-31T12:00:00Z", "2025-01-01T00:00:01Z", conn);
      expect(await monthly()).toEqual([
        ["2024-01-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z", "1000", 1],
        ["2024-02-01T00:00:00.000Z", "2024-03-01T00:00:00.000Z", "101", 2],
        ["2024-03-01T00:00:00.000Z", "2024-04-01T00:00:00.000Z", "10", 1],
        ["2024-12-01T00:00:00.000Z", "2025-01-01T00:00:00.000Z", "5", 1],
        ["2025-01-01T00:00:00.000Z", "2025-02-01T00:00:00.000Z", "50", 1],
      ]);

      // Months are sums of daily rows: the monthly runs rolled up the days they cover first.
      await aggregate("daily", "2024-02-28T00:00:00Z", "2024-03-02T00:00:00Z", conn);
      expect(
        (await rollups([u], "daily", undefined, undefined, conn)).map((r) => [
          r.period_start.toISOString(),
          r.period_end.toISOString(),
          r.total,
        ]),
      ).toEqual([
        ["2024-01-31T00:00:00.000Z", "2024-02-01T00:00:00.000Z", "1000"],
        ["2024-02-01T00:00:00.000Z", "2024-02-02T00:00:00.000Z", "100"],
        ["2024-02-29T00:00:00.000Z", "2024-03-01T00:00:00.000Z", "1"],
        ["2024-03-01T00:00:00.000Z", "2024-03-02T00:00:00.000Z", "10"],
        ["2024-12-31T00:00:00.000Z", "2025-01-01T00:00:00.000Z", "5"],
        ["2025-01-01T00:00:00.000Z", "2025-01-02T00:00:00.000Z", "50"],
      ]);
    });
  });

  it("cuts periods in UTC whatever the session time zone", async () => {
    await isolated(async (conn) => {
      const t = ids();
      const u = user(t.users, 0);
      // 2025-03-09 is the US switch to daylight saving time.
      await insertEvents(
        t.prefix,
        [
          { user: u, org: t.org, type: "api_call", quantity: 1, at: "2025-03-08T23:30:00Z" },
          { user: u, org: t.org, type: "api_call", quantity: 2, at: "2025-03-09T03:30:00Z" },
          { user: u, org: t.org, type: "api_call", quantity: 4, at: "2025-03-09T23:59:59.999Z" },
          { user: u, org: t.org, type: "api_call", quantity: 8, at: "2025-03-31T23:00:00Z" },
          { user: u, org: t.org, type: "api_call", quantity: 16, at: "2025-04-01T00:00:00Z" },
        ],
        conn,
      );
      await conn`set local timezone = 'America/New_York'`;
      await aggregate("daily", "2025-03-08T00:00:00Z", "2025-04-02T00:00:00Z", conn);
      await aggregate("monthly", "2025-03-01T00:00:00Z", "2025-05-01T00:00:00Z", conn);
      await conn`set local timezone = 'UTC'`;

      expect(
        (await rollups([u], "daily", undefined, undefined, conn)).map((r) => [
          r.period_start.toISOString(),
          r.period_end.toISOString(),
          r.total,
        ]),
      ).toEqual([
        ["2025-03-08T00:00:00.000Z", "2025-03-09T00:00:00.000Z", "1"],
        ["2025-03-09T00:00:00.000Z", "2025-03-10T00:00:00.000Z", "6"],
        ["2025-03-31T00:00:00.000Z", "2025-04-01T00:00:00.000Z", "8"],
        ["2025-04-01T00:00:00.000Z", "2025-04-02T00:00:00.000Z", "16"],
      ]);
      expect(
        (await rollups([u], "monthly", undefined, undefined, conn)).map((r) => [
          r.period_start.toISOString(),
          r.period_end.toISOString(),
          r.total,
        ]),
      ).toEqual([
        ["2025-03-01T00:00:00.000Z", "2025-04-01T00:00:00.000Z", "15"],
        ["2025-04-01T00:00:00.000Z", "2025-05-01T00:00:00.000Z", "16"],
      ]);
      // The same runs in UTC find nothing to change.
      const daily = await aggregate("daily", "2025-03-08T00:00:00Z", "2025-04-02T00:00:00Z", conn);
      const monthly = await aggregate("monthly", "2025-03-01T00:00:00Z", "2025-05-01T00:00:00Z", conn);
      expect([daily.rows_upserted, daily.rows_deleted, monthly.rows_upserted, monthly.rows_deleted]).toEqual([
        0, 0, 0, 0,
      ]);
    });
  });
});

describe("aggregate_usage: exact totals", () => {
  it("sums quantities and counts events per period, org, user and metric, and is idempotent", async () => {
    await isolated(async (conn) => {
      const t = ids(3);
      const random = prng(20240531);
      const boundaries = ["2024-05-31T00:00:00Z", "2024-06-01T00:00:00Z", "2024-06-02T00:00:00Z"].map((b) =>
        Date.parse(b),
      );
      const metrics: Metric[] = [...COUNTERS, "storage_used", "user_active"];
      const events: EventInput[] = [];
      for (let i = 0; i < 240; i++) {
        const boundary = pick(random, boundaries);
        // Exactly on a boundary, one millisecond before it, or up to three hours either side.
        const offset = pick(random, [0, -1, Math.round((random() - 0.5) * 6 * 3_600_000)]);
        const type = pick(random, metrics);
        const quantity =
          type === "storage_used"
            ? Math.round((random() - 0.4) * 100_000)
            : type === "user_active"
              ? 1
              : pick(random, [0, 1, Math.round(random() * 1000), (random() * 100).toFixed(3)]);
        events.push({
          user: pick(random, t.users),
          // Some events have no organization: they roll up under org_id null.
          org: random() < 0.2 ? null : t.org,
          type,
          quantity,
          at: iso(boundary + offset),
        });
      }
      // An exact microsecond before midnight, beyond Date's precision.
      events.push({
        user: user(t.users, 0),
        org: t.org,
        type: "api_call",
        quantity: 7,
        at: "2024-05-31T23:59:59.999999Z",
      });
      await insertEvents(t.prefix, events, conn);

      const range = ["2024-05-30T00:00:00Z", "2024-06-03T00:00:00Z"] as const;
      const months = ["2024-05-01T00:00:00Z", "2024-07-01T00:00:00Z"] as const;
      await aggregate("daily", ...range, conn);
      await aggregate("monthly", ...months, conn);

      const daily = await rollups(t.users, "daily", undefined, undefined, conn);
      const monthly = await rollups(t.users, "monthly", undefined, undefined, conn);
      expect(summary(daily)).toEqual(await expectedRollups(t.prefix, "daily", conn));
      expect(summary(monthly)).toEqual(await expectedRollups(t.prefix, "monthly", conn));
      // The data set is not trivial: every day and both months have rows, null orgs included.
      expect(new Set(daily.map((r) => r.period_start.toISOString())).size).toBe(4);
      expect(new Set(monthly.map((r) => r.period_start.toISOString())).size).toBe(2);
      expect(daily.some((r) => r.org_id === null)).toBe(true);
      expect(daily.find((r) => r.metric_type === "user_active" && r.count > 1)?.total).toBe("1");
      for (const r of daily) expect(r.period_end.getTime() - r.period_start.getTime()).toBe(DAY);
      for (const r of monthly) {
        const start = r.period_start;
        expect(r.period_end).toEqual(new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1)));
      }

      // A second run changes nothing: same rows, same ids, nothing rewritten.
      const again = await aggregate("daily", ...range, conn);
      const againMonthly = await aggregate("monthly", ...months, conn);
      expect([again.rows_upserted, again.rows_deleted]).toEqual([0, 0]);
      expect([againMonthly.rows_upserted, againMonthly.rows_deleted]).toEqual([0, 0]);
      expect(await rollups(t.users, "daily", undefined, undefined, conn)).toEqual(daily);
      expect(await rollups(t.users, "monthly", undefined, undefined, conn)).toEqual(monthly);

      // One more event changes exactly its own daily and monthly rows.
      await insertEvents(
        t.prefix,
        [{ user: user(t.users, 0), org: t.org, type: "api_call", quantity: 1, at: "2024-06-01T00:00:00Z" }],
        conn,
      );
      expect((await aggregate("daily", ...range, conn)).rows_upserted).toBe(1);
      expect((await aggregate("monthly", ...months, conn)).rows_upserted).toBe(1);
      expect(summary(await rollups(t.users, "daily", undefined, undefined, conn))).toEqual(
        await expectedRollups(t.prefix, "daily", conn),
      );
    });
  });

  it("gives two concurrent runs over the same range the right rows, once each", async () => {
    // Committed, on two connections: these assertions hold whoever else rolls up meanwhile.
    const t = ids(2);
    const random = prng(20240901);
    const events: EventInput[] = Array.from({ length: 120 }, () => ({
      user: pick(random, t.users),
      org: t.org,
      type: pick(random, [...COUNTERS, "user_active"] as Metric[]),
      quantity: 1 + Math.floor(random() * 50),
      at: iso(Date.parse("2024-09-01T00:00:00Z") + Math.floor(random() * 5 * DAY)),
    }));
    await insertEvents(t.prefix, events);

    const other = sql();
    try {
      const range = ["2024-09-01T00:00:00Z", "2024-09-06T00:00:00Z"] as const;
      const runs = await Promise.all([aggregate("daily", ...range, db), aggregate("daily", ...range, other)]);
      const monthlyRuns = await Promise.all([
        aggregate("monthly", ...range, db),
        aggregate("monthly", ...range, other),
      ]);

      expect(summary(await rollups(t.users, "daily"))).toEqual(await expectedRollups(t.prefix, "daily"));
      expect(summary(await rollups(t.users, "monthly"))).toEqual(await expectedRollups(t.prefix, "monthly"));
      // Serialized: whichever ran second found every row current.
      expect(Math.min(...runs.map((r) => r.rows_upserted))).toBe(0);
      expect(Math.min(...monthlyRuns.map((r) => r.rows_upserted))).toBe(0);

      const [dupes] = await db<{ n: number }[]>`
        select count(*)::int as n from (
          select 1 from public.usage_aggregations where user_id in ${db(t.users)}
          group by period_type, period_start, org_id, user_id, metric_type having count(*) > 1
        ) d`;
      expect(dupes?.n).toBe(0);
    } finally {
      await other.end();
    }
  });

  it("deletes the rows of a period whose events are gone", async () => {
    await isolated(async (conn) => {
      const t = ids();
      const u = user(t.users, 0);
      await insertEvents(
        t.prefix,
        [
          { user: u, org: t.org, type: "api_call", quantity: 3, at: "2024-08-05T10:00:00Z" },
          { user: u, org: t.org, type: "user_active", quantity: 1, at: "2024-08-05T11:00:00Z" },
          { user: u, org: t.org, type: "record_created", quantity: 1, at: "2024-08-06T10:00:00Z" },
        ],
        conn,
      );
      const days = async () =>
        (await rollups([u], "daily", undefined, undefined, conn)).map((r) => [
          r.period_start.toISOString(),
          r.metric_type,
        ]);
      await aggregate("daily", "2024-08-05T00:00:00Z", "2024-08-07T00:00:00Z", conn);
      await aggregate("monthly", "2024-08-01T00:00:00Z", "2024-09-01T00:00:00Z", conn);
      expect(await days()).toEqual([
        ["2024-08-05T00:00:00.000Z", "api_call"],
        ["2024-08-05T00:00:00.000Z", "user_active"],
        ["2024-08-06T00:00:00.000Z", "record_created"],
      ]);

      await conn`delete from public.usage_events
                 where idempotency_key like ${t.prefix} || ':%' and created_at < '2024-08-06T00:00:00Z'`;
      const daily = await aggregate("daily", "2024-08-05T00:00:00Z", "2024-08-06T00:00:00Z", conn);
      expect(daily).toMatchObject({ rows_upserted: 0, rows_deleted: 2 });
      expect(await days()).toEqual([["2024-08-06T00:00:00.000Z", "record_created"]]);
      const monthly = await aggregate("monthly", "2024-08-01T00:00:00Z", "2024-09-01T00:00:00Z", conn);
      expect(monthly).toMatchObject({ rows_upserted: 0, rows_deleted: 2 });
      expect(
        (await rollups([u], "monthly", undefined, undefined, conn)).map((r) => [r.metric_type, r.total]),
      ).toEqual([["record_created", "1"]]);

      await conn`delete from public.usage_events where idempotency_key like ${t.prefix} || ':%'`;
      const lastDay = await aggregate("daily", "2024-08-06T00:00:00Z", "2024-08-07T00:00:00Z", conn);
      const lastMonth = await aggregate("monthly", "2024-08-01T00:00:00Z", "2024-09-01T00:00:00Z", conn);
      expect([lastDay.rows_deleted, lastMonth.rows_deleted]).toEqual([1, 1]);
      expect(await rollups([u], "daily", undefined, undefined, conn)).toEqual([]);
      expect(await rollups([u], "monthly", undefined, undefined, conn)).toEqual([]);
    });
  });
});

describe("late events", () => {
  it("marks a backdated day, re-rolls it and then its closed month, with exact reads at every step", async () => {
    await isolated(async (conn) => {
      const t = ids();
      const u = user(t.users, 0);
      const month = ["2024-07-01T00:00:00Z", "2024-08-01T00:00:00Z"] as const;
      const daily = async () =>
        (await rollups([u], "daily", undefined, undefined, conn)).map((r) => [r.total, r.count]);
      const monthly = async () =>
        (await rollups([u], "monthly", undefined, undefined, conn)).map((r) => [r.total, r.count]);
      const julyTotal = async () => totalOf(await totals(t.org, null, ...month, conn), "api_call");

      await insertEvents(
        t.prefix,
        [
          { user: u, org: t.org, type: "api_call", quantity: 1, at: "2024-07-10T08:00:00Z" },
          { user: u, org: t.org, type: "api_call", quantity: 2, at: "2024-07-10T20:00:00Z" },
          { user: u, org: t.org, type: "api_call", quantity: 4, at: "2024-07-11T08:00:00Z" },
        ],
        conn,
      );
      await catchUp(conn);
      expect(await dirtyDay("2024-07-10", conn)).toBe(false);
      expect(await dirtyMonth("2024-07-01", conn)).toBe(false);
      expect(await daily()).toEqual([
        ["3", 2],
        ["4", 1],
      ]);
      expect(await monthly()).toEqual([["7", 3]]);
      expect(await julyTotal()).toBe("7");
      await expectTotalsExact(t.org, null, ...month, conn);

      // The late event marks its day; the roll-ups are stale but reads stay exact.
      await insertEvents(
        t.prefix,
        [{ user: u, org: t.org, type: "api_call", quantity: 8, at: "2024-07-10T12:00:00Z" }],
        conn,
      );
      expect(await dirtyDay("2024-07-10", conn)).toBe(true);
      expect(await dirtyDay("2024-07-11", conn)).toBe(false);
      expect(await daily()).toEqual([
        ["3", 2],
        ["4", 1],
      ]);
      expect(await julyTotal()).toBe("15");
      await expectTotalsExact(t.org, null, ...month, conn);
      await expectTotalsExact(t.org, null, "2024-07-10T00:00:00Z", "2024-07-11T00:00:00Z", conn);
      await expectTotalsExact(t.org, null, "2024-06-01T00:00:00Z", "2024-09-01T00:00:00Z", conn);

      // Re-rolling the day updates it, clears the mark and marks the closed month.
      const rerun = await aggregate("daily", "2024-07-10T00:00:00Z", "2024-07-11T00:00:00Z", conn);
      expect(rerun.rows_upserted).toBe(1);
      expect(await dirtyDay("2024-07-10", conn)).toBe(false);
      expect(await dirtyMonth("2024-07-01", conn)).toBe(true);
      expect(await daily()).toEqual([
        ["11", 3],
        ["4", 1],
      ]);
      expect(await monthly()).toEqual([["7", 3]]);
      expect(await julyTotal()).toBe("15");
      await expectTotalsExact(t.org, null, ...month, conn);

      // The monthly run follows and clears the month's mark.
      const monthRun = await aggregate("monthly", ...month, conn);
      expect(monthRun.rows_upserted).toBe(1);
      expect(await dirtyMonth("2024-07-01", conn)).toBe(false);
      expect(await monthly()).toEqual([["15", 4]]);
      expect(await julyTotal()).toBe("15");
      await expectTotalsExact(t.org, null, ...month, conn);
    });
  });

  it("does not mark today's events as late", async () => {
    const t = ids();
    const [row] = await db<{ day: string }[]>`
      insert into public.usage_events (user_id, org_id, event_type, quantity, created_at, idempotency_key)
      values (${user(t.users, 0)}, ${t.org}, 'api_call', 1, now(), ${t.prefix} || ':today')
      returning (created_at at time zone 'utc')::date::text as day`;
    if (!row) throw new Error("no row inserted");
    expect(await dirtyDay(row.day)).toBe(false);
  });
});

describe("usage_totals", () => {
  it("reports the storage gauge at the end of the range from signed daily deltas", async () => {
    const t = ids();
    const u = user(t.users, 0);
    await insertEvents(t.prefix, [
      { user: u, org: t.org, type: "storage_used", quantity: 1000, at: "2024-10-03T10:00:00Z" },
      { user: u, org: t.org, type: "storage_used", quantity: 500, at: "2024-10-05T06:00:00Z" },
      { user: u, org: t.org, type: "storage_used", quantity: 200, at: "2024-10-05T12:00:00Z" },
      { user: u, org: t.org, type: "storage_used", quantity: -200, at: "2024-10-05T18:00:00Z" },
      { user: u, org: t.org, type: "storage_used", quantity: -300, at: "2024-10-07T08:00:00Z" },
    ]);
    await aggregate("daily", "2024-10-01T00:00:00Z", "2024-10-10T00:00:00Z");
    expect(
      (await rollups([u], "daily")).map((r) => [r.period_start.toISOString(), r.total, r.count]),
    ).toEqual([
      ["2024-10-03T00:00:00.000Z", "1000", 1],
      ["2024-10-05T00:00:00.000Z", "500", 3],
      ["2024-10-07T00:00:00.000Z", "-300", 1],
    ]);
    await catchUp();
    expect((await rollups([u], "monthly")).map((r) => [r.total, r.count])).toEqual([["1200", 5]]);

    const gauge = async (start: string, end: string) =>
      totalOf(await totals(t.org, null, start, end), "storage_used");
    expect(await gauge("2024-10-01T00:00:00Z", "2024-10-03T00:00:00Z")).toBeUndefined();
    expect(await gauge("2024-10-01T00:00:00Z", "2024-10-04T00:00:00Z")).toBe("1000");
    // Days before the start count: the gauge is the level at the end.
    expect(await gauge("2024-10-04T00:00:00Z", "2024-10-06T00:00:00Z")).toBe("1500");
    expect(await gauge("2024-10-06T00:00:00Z", "2024-10-08T00:00:00Z")).toBe("1200");
    expect(await gauge("2024-10-01T00:00:00Z", "2024-11-01T00:00:00Z")).toBe("1200");
    expect(await gauge("2024-11-01T00:00:00Z", "2025-01-01T00:00:00Z")).toBe("1200");
    // An end inside a rolled-up day: only the deltas before it.
    expect(await gauge("2024-10-07T00:00:00Z", "2024-10-07T00:00:00.001Z")).toBe("1500");
    expect(await gauge("2024-10-05T00:00:00Z", "2024-10-05T12:00:00Z")).toBe("1500");
    expect(await gauge("2024-10-05T00:00:00Z", "2024-10-05T12:00:00.001Z")).toBe("1700");
    for (const [start, end] of [
      ["2024-10-04T00:00:00Z", "2024-10-06T00:00:00Z"],
      ["2024-10-05T00:00:00Z", "2024-10-05T12:00:00Z"],
      ["2024-10-01T00:00:00Z", "2024-11-01T00:00:00Z"],
    ] as const) {
      await expectTotalsExact(t.org, null, start, end);
      await expectTotalsExact(null, u, start, end);
    }
  });

  it("counts distinct active users, one monthly row per user", async () => {
    const t = ids(3);
    const [a, b, c] = [user(t.users, 0), user(t.users, 1), user(t.users, 2)];
    const elsewhere = randomUUID();
    const events: EventInput[] = [];
    for (let day = 1; day <= 20; day++) {
      const date = `2024-11-${String(day).padStart(2, "0")}`;
      events.push({ user: a, org: t.org, type: "user_active", quantity: 1, at: `${date}T09:00:00Z` });
      // Twice on some days: still one active user.
      if (day % 5 === 0) {
        events.push({ user: a, org: t.org, type: "user_active", quantity: 1, at: `${date}T17:00:00Z` });
      }
    }
    events.push(
      { user: b, org: t.org, type: "user_active", quantity: 1, at: "2024-11-05T06:00:00Z" },
      { user: b, org: t.org, type: "user_active", quantity: 1, at: "2024-11-25T06:00:00Z" },
      { user: c, org: t.org, type: "user_active", quantity: 1, at: "2024-11-30T23:59:59.999Z" },
      // Active elsewhere, or in the next month: not part of the org's November.
      { user: c, org: elsewhere, type: "user_active", quantity: 1, at: "2024-11-10T06:00:00Z" },
      { user: a, org: t.org, type: "user_active", quantity: 1, at: "2024-12-01T00:00:00Z" },
    );
    await insertEvents(t.prefix, events);

    await aggregate("monthly", "2024-11-01T00:00:00Z", "2024-12-01T00:00:00Z");
    await aggregate("daily", "2024-11-01T00:00:00Z", "2024-12-01T00:00:00Z");
    const november = ["2024-11-01T00:00:00Z", "2024-12-01T00:00:00Z"] as const;
    const monthly = (await rollups(t.users, "monthly", ...november)).filter((r) => r.org_id === t.org);
    expect(monthly.map((r) => [r.user_id, r.total, r.count]).sort()).toEqual(
      [
        [a, "1", 24],
        [b, "1", 2],
        [c, "1", 1],
      ].sort(),
    );
    const dailyA = (await rollups([a], "daily", ...november)).filter((r) => r.org_id === t.org);
    expect(dailyA).toHaveLength(20);
    expect(new Set(dailyA.map((r) => r.total))).toEqual(new Set(["1"]));

    await catchUp();
    const activeUsers = async (org: string | null, userId: string | null, start: string, end: string) =>
      totalOf(await totals(org, userId, start, end), "user_active");
    expect(await activeUsers(t.org, null, ...november)).toBe("3");
    expect(await activeUsers(t.org, null, "2024-11-04T00:00:00Z", "2024-11-06T00:00:00Z")).toBe("2");
    // From mid-day to mid-day: a and b (on the 25th); b's 06:00 on the 5th and c's last-instant events fall outside.
    expect(await activeUsers(t.org, null, "2024-11-05T12:00:00Z", "2024-11-30T12:00:00Z")).toBe("2");
    expect(await activeUsers(t.org, null, "2024-10-01T00:00:00Z", "2025-01-01T00:00:00Z")).toBe("3");
    expect(await activeUsers(null, c, ...november)).toBe("1");
    for (const [start, end] of [
      november,
      ["2024-11-04T00:00:00Z", "2024-11-06T00:00:00Z"],
      ["2024-11-05T12:00:00Z", "2024-11-30T12:00:00Z"],
      ["2024-10-01T00:00:00Z", "2025-01-01T00:00:00Z"],
    ] as const) {
      await expectTotalsExact(t.org, null, start, end);
    }
  });

  it("equals the raw events exactly over any range, whatever mix of roll-ups, late days and raw tail", async () => {
    const t = ids(3);
    const random = prng(20250630);
    const now = Date.now();
    const today = utcDayStart(now);
    const metrics: Metric[] = [...COUNTERS, "storage_used", "user_active"];
    const event = (at: number): EventInput => {
      const type = pick(random, metrics);
      return {
        user: pick(random, t.users),
        org: t.org,
        type,
        quantity:
          type === "storage_used"
            ? Math.round((random() - 0.3) * 10_000)
            : type === "user_active"
              ? 1
              : pick(random, [1, Math.round(random() * 500), (random() * 10).toFixed(2)]),
        at: iso(at),
      };
    };
    // Around a month end in the past, and today up to now (the raw tail: today is never rolled up).
    // No backdated events on recent days: another test file asserts on those days' late marks.
    const past = Date.parse("2025-06-27T00:00:00Z");
    const events: EventInput[] = [];
    for (let i = 0; i < 150; i++) events.push(event(past + Math.floor(random() * 8 * DAY)));
    for (let i = 0; i < 60; i++) events.push(event(now - Math.floor(random() * (now - today))));
    await insertEvents(t.prefix, events);
    await catchUp();

    // After the roll-up: late events on two rolled-up days, and more of today's tail.
    await insertEvents(t.prefix, [
      event(Date.parse("2025-06-30T13:00:00Z")),
      event(Date.parse("2025-07-02T01:00:00Z")),
      event(now),
    ]);

    const ranges: [string, string][] = [
      ["2025-06-01T00:00:00Z", "2025-08-01T00:00:00Z"],
      ["2025-07-01T00:00:00Z", "2025-08-01T00:00:00Z"],
      ["2025-06-28T00:00:00Z", "2025-07-02T00:00:00Z"],
      ["2025-06-30T12:00:00Z", "2025-07-01T06:00:00Z"],
      ["2025-06-30T12:00:00Z", "2025-06-30T18:00:00Z"],
      ["2025-07-01T00:00:00Z", "2025-07-01T00:00:00.001Z"],
      ["2025-06-29T07:30:00Z", "2025-07-03T22:15:00Z"],
      ["2025-06-01T00:00:00Z", iso(now + 3_600_000)],
      ["2025-07-02T00:00:00.000001Z", iso(now + 1)],
      [iso(today - 2 * DAY), iso(now + 3_600_000)],
      [iso(today), iso(now + 1)],
      [iso(today + 1), iso(now + 1)],
    ];
    for (const [start, end] of ranges) {
      await expectTotalsExact(t.org, null, start, end);
      await expectTotalsExact(t.org, user(t.users, 0), start, end);
      await expectTotalsExact(null, user(t.users, 1), start, end);
    }
    // The data set is not trivial: every metric shows up over the whole range.
    const all = await totals(t.org, null, "2025-06-01T00:00:00Z", iso(now + 3_600_000));
    expect(all.map((x) => x.metric).sort()).toEqual([...metrics].sort());

    // The same reads in sessions that are not in UTC.
    for (const zone of ["America/New_York", "Asia/Kolkata"]) {
      const conn = await db.reserve();
      try {
        await conn`select set_config('timezone', ${zone}, false)`;
        for (const [start, end] of ranges) {
          const expected = await rawTotals(t.org, null, start, end, conn);
          expect(await totals(t.org, null, start, end, conn), `${zone} ${start}..${end}`).toEqual(expected);
        }
      } finally {
        await conn`reset timezone`;
        conn.release();
      }
    }
  });
});

describe("aggregate_usage: input and run log", () => {
  it("rejects an unknown period type and an empty or oversized range with 22023", async () => {
    await expect(aggregate("weekly", "2024-03-01T00:00:00Z", "2024-03-02T00:00:00Z")).rejects.toMatchObject({
      code: "22023",
      message: expect.stringContaining("weekly"),
    });
    await expect(aggregate(null, "2024-03-01T00:00:00Z", "2024-03-02T00:00:00Z")).rejects.toMatchObject({
      code: "22023",
      message: expect.stringContaining("daily or monthly"),
    });
    await expect(aggregate("daily", "2024-03-02T00:00:00Z", "2024-03-02T00:00:00Z")).rejects.toMatchObject({
      code: "22023",
      message: expect.stringContaining("empty"),
    });
    await expect(aggregate("monthly", "2024-03-02T00:00:00Z", "2024-03-01T00:00:00Z")).rejects.toMatchObject({
      code: "22023",
    });
    await expect(
      db`select public.aggregate_usage('daily', '2024-03-01T00:00:00Z'::timestamptz, null::timestamptz)`,
    ).rejects.toMatchObject({ code: "22023" });
    await expect(aggregate("daily", "2010-01-01T00:00:00Z", "2024-03-01T00:00:00Z")).rejects.toMatchObject({
      code: "22023",
      message: expect.stringContaining("ten years"),
    });
  });

  it("records every run with its whole periods, row counts, duration and status", async () => {
    await isolated(async (conn) => {
      const t = ids();
      const u = user(t.users, 0);
      await insertEvents(
        t.prefix,
        [
          { user: u, org: t.org, type: "api_call", quantity: 1, at: "2025-02-10T10:00:00Z" },
          { user: u, org: t.org, type: "record_created", quantity: 1, at: "2025-02-11T10:00:00Z" },
        ],
        conn,
      );
      // Other test files roll up too: hold the roll-up locks first, in the order aggregate_usage
      // takes them (monthly, then daily), so no other run is logged between the two counts.
      await conn`select pg_advisory_xact_lock(hashtext('aggregate_usage'), hashtext('monthly'))`;
      await conn`select pg_advisory_xact_lock(hashtext('aggregate_usage'), hashtext('daily'))`;
      const [before] = await conn<
        { n: number }[]
      >`select count(*)::int as n from public.usage_aggregation_runs`;
      const results = [
        await aggregate("daily", "2025-02-10T06:00:00Z", "2025-02-11T18:00:00Z", conn),
        await aggregate("daily", "2025-02-10T06:00:00Z", "2025-02-11T18:00:00Z", conn),
        await aggregate("monthly", "2025-02-10T06:00:00Z", "2025-02-11T18:00:00Z", conn),
      ];
      expect(results.map((r) => r.rows_upserted)).toEqual([2, 0, 2]);

      // This transaction's own three runs, last ids first.
      const runs = await conn<
        {
          period_type: string;
          period_start: Date;
          period_end: Date;
          rows_upserted: number;
          rows_deleted: number;
          duration_ms: number | null;
          status: string;
          error: string | null;
          started_at: Date;
          finished_at: Date | null;
        }[]
      >`
        select period_type, period_start, period_end, rows_upserted, rows_deleted,
               duration_ms::float8 as duration_ms, status, error, started_at, finished_at
        from public.usage_aggregation_runs
        where xmin = pg_current_xact_id()::xid
        order by id`;
      const [after] = await conn<
        { n: number }[]
      >`select count(*)::int as n from public.usage_aggregation_runs`;
      expect((after?.n ?? 0) - (before?.n ?? 0)).toBe(runs.length);
      // The monthly run rolls up first whatever days of its month are not (late days, days past
      // the daily watermark): those are daily runs inside February, logged before it.
      const [first, second, ...rest] = runs;
      const monthly = rest.pop();
      expect(
        [first, second, monthly].map((r) => [
          r?.period_type,
          r?.period_start.toISOString(),
          r?.period_end.toISOString(),
        ]),
      ).toEqual([
        ["daily", "2025-02-10T00:00:00.000Z", "2025-02-12T00:00:00.000Z"],
        ["daily", "2025-02-10T00:00:00.000Z", "2025-02-12T00:00:00.000Z"],
        ["monthly", "2025-02-01T00:00:00.000Z", "2025-03-01T00:00:00.000Z"],
      ]);
      for (const dayRun of rest) {
        expect(dayRun.period_type).toBe("daily");
        expect(dayRun.period_start.getTime()).toBeGreaterThanOrEqual(Date.parse("2025-02-01T00:00:00Z"));
        expect(dayRun.period_end.getTime()).toBeLessThanOrEqual(Date.parse("2025-03-01T00:00:00Z"));
      }
      [first, second, monthly].forEach((run, i) => {
        if (!run) throw new Error("missing run");
        expect(run.status).toBe("succeeded");
        expect(run.error).toBeNull();
        expect(run.rows_upserted).toBe(results[i]?.rows_upserted);
        expect(run.rows_deleted).toBe(results[i]?.rows_deleted);
        // Measured inside the run: within its own start and finish.
        expect(run.duration_ms).not.toBeNull();
        expect(run.duration_ms ?? -1).toBeGreaterThan(0);
        expect(run.duration_ms ?? Infinity).toBeLessThanOrEqual(
          (run.finished_at?.getTime() ?? 0) - run.started_at.getTime() + 1,
        );
        expect(run.finished_at?.getTime()).toBeGreaterThanOrEqual(run.started_at.getTime());
      });
    });
  });
});

describe("permissions", () => {
  let owner: TestUser;
  let member: TestUser;
  let outsider: TestUser;
  let orgId: string;
  const otherOrg = randomUUID();
  const day = ["2024-12-10T00:00:00Z", "2024-12-11T00:00:00Z"] as const;
  const args = { p_period_type: "daily", p_period_start: day[0], p_period_end: day[1] };

  beforeAll(async () => {
    [owner, member, outsider] = await Promise.all([createTestUser(), createTestUser(), createTestUser()]);
    orgId = await createOrg(owner, [[member, "member"]]);
    await insertEvents(randomUUID(), [
      { user: owner.id, org: orgId, type: "api_call", quantity: 5, at: "2024-12-10T09:00:00Z" },
      { user: member.id, org: orgId, type: "api_call", quantity: 7, at: "2024-12-10T10:00:00Z" },
      { user: owner.id, org: null, type: "api_call", quantity: 1, at: "2024-12-10T11:00:00Z" },
      { user: member.id, org: otherOrg, type: "api_call", quantity: 100, at: "2024-12-10T12:00:00Z" },
    ]);
  });

  it("lets only the service role run aggregate_usage", async () => {
    for (const client of [owner.client, member.client, anonClient()]) {
      const { data, error } = await client.rpc("aggregate_usage", args);
      expect(data).toBeNull();
      expect(error?.code).toBe("42501");
    }

    const { data, error } = await serviceClient().rpc("aggregate_usage", args);
    expect(error).toBeNull();
    const result = data as unknown as RunResult;
    expect(result).toMatchObject({ period_type: "daily", rows_deleted: 0 });
    expect(new Date(result.period_start).toISOString()).toBe("2024-12-10T00:00:00.000Z");
    expect(new Date(result.period_end).toISOString()).toBe("2024-12-11T00:00:00.000Z");
    expect(typeof result.rows_upserted).toBe("number");
    const rows = await rollups([owner.id, member.id], "daily", ...day);
    expect(rows.map((r) => [r.user_id, r.org_id, r.total]).sort()).toEqual(
      [
        [owner.id, orgId, "5"],
        [member.id, orgId, "7"],
        [owner.id, null, "1"],
        [member.id, otherOrg, "100"],
      ].sort(),
    );
  });

  it("refuses writes to the roll-ups and the run log from users and visitors", async () => {
    const row = {
      period_type: "daily",
      period_start: "2024-12-12T00:00:00Z",
      period_end: "2024-12-13T00:00:00Z",
      org_id: orgId,
      user_id: owner.id,
      metric_type: "api_call",
      total_quantity: 1_000_000,
      event_count: 1,
    };
    for (const client of [owner.client, anonClient()]) {
      const insert = await client.from("usage_aggregations").insert(row);
      expect(insert.error?.code).toBe("42501");
    }
    const update = await owner.client
      .from("usage_aggregations")
      .update({ total_quantity: 0 })
      .eq("org_id", orgId);
    expect(update.error?.code).toBe("42501");
    const del = await owner.client.from("usage_aggregations").delete().eq("org_id", orgId);
    expect(del.error?.code).toBe("42501");
    const run = await owner.client.from("usage_aggregation_runs").insert({
      period_type: "daily",
      period_start: day[0],
      period_end: day[1],
      status: "succeeded",
    });
    expect(run.error?.code).toBe("42501");
    const [count] = await db<{ n: number }[]>`
      select count(*)::int as n from public.usage_aggregations
      where period_start = '2024-12-12T00:00:00Z' and user_id = ${owner.id}`;
    expect(count?.n).toBe(0);
  });

  it("shows a user their own roll-ups, and an owner their organization's", async () => {
    const { error: runError } = await serviceClient().rpc("aggregate_usage", args);
    expect(runError).toBeNull();
    const visible = async (client: TypedClient) => {
      const { data, error } = await client
        .from("usage_aggregations")
        .select("user_id, org_id, total_quantity")
        .eq("period_type", "daily")
        .eq("period_start", day[0]);
      expect(error).toBeNull();
      return (data ?? []).map((r) => [r.user_id, r.org_id, Number(r.total_quantity)]).sort();
    };
    expect(await visible(owner.client)).toEqual(
      [
        [owner.id, orgId, 5],
        [owner.id, null, 1],
        [member.id, orgId, 7],
      ].sort(),
    );
    expect(await visible(member.client)).toEqual(
      [
        [member.id, orgId, 7],
        [member.id, otherOrg, 100],
      ].sort(),
    );
    expect(await visible(outsider.client)).toEqual([]);
    const anon = await anonClient().from("usage_aggregations").select("id").eq("period_start", day[0]);
    expect(anon.data ?? []).toEqual([]);
    if (anon.error) expect(anon.error.code).toBe("42501");

    // usage_totals runs as the caller: the same policies decide what it adds up.
    const apiCalls = async (client: TypedClient) => {
      const { data, error } = await untyped(client).rpc("usage_totals", {
        p_org_id: orgId,
        p_user_id: null,
        p_start: day[0],
        p_end: day[1],
      });
      expect(error).toBeNull();
      const found = ((data ?? []) as { metric_type: string; total_quantity: number }[]).find(
        (r) => r.metric_type === "api_call",
      );
      return found ? Number(found.total_quantity) : 0;
    };
    expect(await apiCalls(owner.client)).toBe(12);
    expect(await apiCalls(member.client)).toBe(7);
    expect(await apiCalls(outsider.client)).toBe(0);
  });
});
