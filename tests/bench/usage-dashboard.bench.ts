// docs/architecture.md §8, the read side at scale: the /usage page's server-side reads for one
// organization (owner, period "year") with 10M events stored against 10k: ratio of p50s <= 1.3.
//
// What grows is history, not the organization's current activity: in both runs the measured
// organization (20 members) has the same events over the displayed span (from January 1st of last
// year until now, so "year" and the period before it are covered; 5,000 events, half of the small
// set). The 9.99M events the large run adds are 199 other organizations' over the same span (95%)
// and the measured organization's own older history, the three years before the span (5%). Every
// metric carries the dimensions the app writes, and everything is rolled up daily and monthly as the
// nightly cron leaves it. (With the organization's own span scaled 1000x as well, the reads grow
// with the organization's roll-up rows, its users x metrics x dimensions per month, not with raw
// events: docs/scale.md.) The usage tables start empty so the counts are exact.
import { performance } from "node:perf_hooks";

import { afterAll, beforeAll, it } from "vitest";

import { decideScope, listMemberOptions, loadUsageDashboard } from "@/lib/usage/dashboard";
import { listOpenNotifications } from "@/lib/usage/queries";
import type { AuthContext } from "@/lib/auth/server";
import { listMyOrganizations } from "@/lib/orgs/current";
import { createAdminSupabaseClient } from "@/lib/supabase/admin";

import { createOrg, createTestUser, serviceClient, sql, type TestUser } from "../support/supabase";
import { benchSize, fmt, percentile, printReport, round, type BenchRow } from "./report";

const db = sql();

const SMALL = benchSize("BENCH_DASHBOARD_SMALL", 10_000, 10_000);
const LARGE = benchSize("BENCH_DASHBOARD_EVENTS", 10_000_000, 200_000);
const SAMPLES = benchSize("BENCH_DASHBOARD_SAMPLES", 60, 30);
const MEMBERS = 20;
const OTHER_ORGS = 199;
/** The measured organization's share of the small set (over the span) and of what the large run adds (its older history). */
const SMALL_SHARE = 0.5;
const SHARE = 0.05;
const CHUNK = 500_000;

/** Every table a usage read depends on, emptied before and after the bench. */
async function resetUsage() {
  await db`truncate public.usage_events, public.usage_event_keys, public.usage_aggregations, public.usage_gauge_months,
                    public.usage_dirty_days, public.usage_dirty_months`;
  await db`update public.usage_aggregation_state set rolled_through = null, updated_at = now()`;
}

let owner: TestUser;
let ctx: AuthContext;
let orgId: string;
let memberIds: string[] = [];
const now = new Date();
const spanStart = new Date(Date.UTC(now.getUTCFullYear() - 1, 0, 1));
/** Where the measured organization's older history starts: three years before the span. */
const historyStart = new Date(Date.UTC(now.getUTCFullYear() - 4, 0, 1));
const run = `bench-dash-${Date.now()}`;

beforeAll(async () => {
  owner = await createTestUser({ displayName: "Dashboard Owner" });
  const others: TestUser[] = [];
  for (let i = 0; i < MEMBERS - 1; i += 5) {
    others.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(5, MEMBERS - 1 - i) }, (_, j) =>
          createTestUser({ displayName: `Member ${i + j}` }),
        ),
      )),
    );
  }
  orgId = await createOrg(
    owner,
    others.map((user, i) => [user, i < 2 ? "admin" : "member"]),
  );
  const plan = await serviceClient().rpc("change_org_plan", {
    p_org_id: orgId,
    p_plan_id: "pro",
    p_actor: owner.id,
  });
  if (plan.error) throw plan.error;
  memberIds = [owner.id, ...others.map((user) => user.id)];
  const { data, error } = await owner.client.auth.getUser();
  if (error || !data.user) throw error ?? new Error("no user");
  ctx = { user: data.user, supabase: owner.client as unknown as AuthContext["supabase"] };
  await resetUsage();
  // Every month of the span has its partition, as the cron keeps them (the migration creates 13
  // months back; this span starts earlier).
  await db`select private.create_usage_partition(m::date)
           from generate_series(date_trunc('month', ${historyStart}::timestamptz at time zone 'utc'),
                                now() at time zone 'utc', interval '1 month') m`;
  // Open alerts, as a busy organization has them (the header and the page read them).
  await db`
    insert into public.usage_notifications (org_id, metric, threshold, period_start, period_end, used, limit_value)
    values (${orgId}, 'api_call', 80, date_trunc('month', now()), date_trunc('month', now()) + interval '1 month', 80000, 100000),
           (${orgId}, 'ai_tokens_used', 100, date_trunc('month', now()), date_trunc('month', now()) + interval '1 month', 1000000, 1000000)
    on conflict do nothing`;
}, 600_000);

afterAll(async () => {
  // Later benches measure their own history: leave the usage tables empty.
  await resetUsage();
  await db.end();
});

/**
 * Adds events until the bench has `total`, then rolls everything up as the nightly cron would
 * (daily through yesterday, monthly through last month), a month at a time. Times both parts.
 */
async function fill(total: number): Promise<{ insertMs: number; rollupMs: number; added: number }> {
  const [{ n }] =
    (await db`select count(*)::int as n from public.usage_events where idempotency_key like ${`${run}:%`}`) as [
      { n: number },
    ];
  const insertStarted = performance.now();
  for (let first = n; first < total; first += CHUNK) {
    const last = Math.min(total, first + CHUNK) - 1;
    // Hashes of g pick the organization, member, metric, dimension and instant, so any range of g
    // has the same shape; h(k) is a uniform number in [0, 1).
    await db.begin(async (tx) => {
      // Keys are claimed in one statement below, as ingest_usage_events does for a batch.
      await tx`select set_config('meterline.usage_keys_claimed', 'on', true)`;
      await tx.unsafe(
        `
      with inserted as (
      insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
      select case when x.mine then ($1::uuid[])[1 + floor(x.h2 * ${MEMBERS})::int]
                  else md5('${run}:user:' || x.org_n || ':' || floor(x.h2 * 5)::int)::uuid end,
             case when x.mine then $2::uuid else md5('${run}:org:' || x.org_n)::uuid end,
             x.event_type,
             case x.event_type
               when 'ai_tokens_used' then 100 + floor(x.h4 * 4000)
               when 'storage_used' then case when x.h4 < 0.2 then -floor(x.h5 * 200000) else floor(x.h5 * 2000000) end
               else 1 end,
             case x.event_type
               when 'api_call' then jsonb_build_object(
                 'route', (array['/api/v1/records', '/api/v1/records/:id', '/api/v1/usage'])[1 + floor(x.h4 * 3)::int],
                 'method', 'GET', 'status', (array[200, 201, 404, 429])[1 + floor(x.h5 * 4)::int])
               when 'ai_tokens_used' then jsonb_build_object('model', (array['gpt-4o-mini', 'gpt-4.1'])[1 + floor(x.h5 * 2)::int],
                                                             'prompt_tokens', 100, 'completion_tokens', 50)
               when 'record_created' then jsonb_build_object('record_id', md5('${run}:r:' || x.g)::uuid)
               else '{}'::jsonb end,
             case when x.mine and x.g >= ${SMALL} then $5::timestamptz + x.h3 * ($3::timestamptz - $5::timestamptz)
                  else $3::timestamptz + x.h3 * ($4::timestamptz - $3::timestamptz) end,
             '${run}:' || x.g
      from (
        select g,
               h1 < case when g < ${SMALL} then ${SMALL_SHARE} else ${SHARE} end as mine,
               floor(h6 * ${OTHER_ORGS})::int as org_n, h2, h3, h4, h5,
               case when h7 < 0.50 then 'api_call' when h7 < 0.65 then 'record_created'
                    when h7 < 0.75 then 'ai_tokens_used' when h7 < 0.80 then 'automation_run'
                    when h7 < 0.85 then 'schedule_executed' when h7 < 0.95 then 'storage_used'
                    else 'user_active' end as event_type
        from generate_series(${first}::bigint, ${last}::bigint) g,
             lateral (select (hashint8(g) & 2147483647)::float8 / 2147483648 as h1,
                             (hashint8(g + 1000000000000) & 2147483647)::float8 / 2147483648 as h2,
                             (hashint8(g + 2000000000000) & 2147483647)::float8 / 2147483648 as h3,
                             (hashint8(g + 3000000000000) & 2147483647)::float8 / 2147483648 as h4,
                             (hashint8(g + 4000000000000) & 2147483647)::float8 / 2147483648 as h5,
                             (hashint8(g + 5000000000000) & 2147483647)::float8 / 2147483648 as h6,
                             (hashint8(g + 6000000000000) & 2147483647)::float8 / 2147483648 as h7) h
      ) x
      returning idempotency_key, created_at
      )
      insert into public.usage_event_keys (idempotency_key, created_at) select idempotency_key, created_at from inserted`,
        [memberIds, orgId, spanStart, now, historyStart],
      );
    });
  }
  const insertMs = performance.now() - insertStarted;

  const rollupStarted = performance.now();
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const thisMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  for (let month = historyStart; month < today;) {
    const next = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1));
    const end = next < today ? next : today;
    await db`select public.aggregate_usage('daily', ${month}, ${end})`;
    if (next <= thisMonth) await db`select public.aggregate_usage('monthly', ${month}, ${next})`;
    month = next;
  }
  const rollupMs = performance.now() - rollupStarted;
  await db`vacuum analyze public.usage_events`;
  await db`vacuum analyze public.usage_aggregations`;
  return { insertMs, rollupMs, added: Math.max(0, total - n) };
}

/** The server side of GET /[locale]/usage?org=…&period=year for the owner, as the RSC tree reads it. */
async function pageReads() {
  // requireAuth(): the session, checked with the auth server.
  const user = await ctx.supabase.auth.getUser();
  if (user.error) throw user.error;
  // getCurrentOrg() (shared by the shell and the page through React's cache).
  const orgs = await listMyOrganizations(ctx);
  const current = orgs.find((org) => org.id === orgId);
  if (!current) throw new Error("the owner is not in the organization");
  const [alerts, dashboard] = await Promise.all([
    // The shell's alert count.
    listOpenNotifications(orgId),
    (async () => {
      const members = await listMemberOptions(ctx.supabase, orgId);
      const { scope } = decideScope(
        { orgId, role: current.role, viewerId: owner.id, memberId: null, wantsOrg: false },
        members,
      );
      return loadUsageDashboard({ scope, role: current.role, members, period: "year" });
    })(),
  ]);
  return { alerts, dashboard };
}

async function timed(samples: number, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < Math.min(10, samples); i++) await fn(); // warm connections, plans and caches
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

/**
 * Round trips of one page: every request it sends, and how many of them wait for one another (a
 * request that starts while none is in flight begins a new sequential step).
 */
async function roundTrips(): Promise<{ requests: number; steps: number; paths: Record<string, number> }> {
  const original = globalThis.fetch;
  let inFlight = 0;
  let requests = 0;
  let steps = 0;
  const paths: Record<string, number> = {};
  globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const path = url.pathname.replace(/^\/(rest|auth)\/v1\//, "$1:");
    paths[path] = (paths[path] ?? 0) + 1;
    requests++;
    if (inFlight === 0) steps++;
    inFlight++;
    try {
      return await original(input, init);
    } finally {
      inFlight--;
    }
  }) as typeof fetch;
  try {
    await pageReads();
  } finally {
    globalThis.fetch = original;
  }
  return { requests, steps, paths };
}

/** The reads behind the page one at a time, to say which one grows. */
async function readBreakdown(samples: number): Promise<Record<string, number>> {
  const admin = createAdminSupabaseClient();
  const year = new Date(Date.UTC(now.getUTCFullYear(), 0, 1)).toISOString();
  const tomorrow = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1),
  ).toISOString();
  const call = (fn: () => PromiseLike<{ error: unknown }>) => async () => {
    const { error } = await fn();
    if (error) throw error;
  };
  const reads: Record<string, () => Promise<void>> = {
    "usage_totals (year)": call(() =>
      admin.rpc("usage_totals", {
        p_org_id: orgId,
        p_user_id: null as unknown as string,
        p_start: year,
        p_end: tomorrow,
      }),
    ),
    "usage_series (year by month)": call(() =>
      admin.rpc("usage_series", {
        p_org_id: orgId,
        p_user_id: null as unknown as string,
        p_start: year,
        p_end: tomorrow,
        p_bucket: "month",
      }),
    ),
    "usage_breakdown (member)": call(() =>
      admin.rpc("usage_breakdown", {
        p_org_id: orgId,
        p_user_id: null as unknown as string,
        p_start: year,
        p_end: tomorrow,
        p_by: "member",
      }),
    ),
    "usage_breakdown (dimension)": call(() =>
      admin.rpc("usage_breakdown", {
        p_org_id: orgId,
        p_user_id: null as unknown as string,
        p_start: year,
        p_end: tomorrow,
        p_by: "dimension",
      }),
    ),
    "a bare round trip (plans)": call(() => admin.from("plans").select("id").eq("id", "free")),
  };
  const out: Record<string, number> = {};
  for (const [name, fn] of Object.entries(reads)) out[name] = percentile(await timed(samples, fn), 50);
  return out;
}

interface Measured {
  events: number;
  orgEvents: number;
  orgSpanEvents: number;
  p50: number;
  p95: number;
  reads: Record<string, number>;
  rollupRows: number;
  orgRollupRows: number;
}

async function measure(): Promise<Measured> {
  const [{ events, orgEvents, orgSpanEvents }] = (await db`
    select count(*)::int as events, count(*) filter (where org_id = ${orgId})::int as "orgEvents",
           count(*) filter (where org_id = ${orgId} and created_at >= ${spanStart})::int as "orgSpanEvents"
    from public.usage_events`) as [{ events: number; orgEvents: number; orgSpanEvents: number }];
  const [{ rows, org_rows }] = (await db`
    select count(*)::int as rows, count(*) filter (where org_id = ${orgId})::int as org_rows
    from public.usage_aggregations`) as [{ rows: number; org_rows: number }];
  const times = await timed(SAMPLES, pageReads);
  return {
    events,
    orgEvents,
    orgSpanEvents,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    reads: await readBreakdown(Math.max(10, Math.floor(SAMPLES / 3))),
    rollupRows: rows,
    orgRollupRows: org_rows,
  };
}

it("the /usage page costs the same with 10M events stored as with 10k", { timeout: 14_400_000 }, async () => {
  const smallFill = await fill(SMALL);
  const small = await measure();
  const trips = await roundTrips();
  const largeFill = await fill(LARGE);
  const large = await measure();
  // A partitioned table's size is its partitions'; the key table is part of every event's cost.
  const [size] = (await db`
    select sum(pg_total_relation_size(i.inhrelid))::float8 + pg_total_relation_size('public.usage_event_keys')::float8 as total,
           sum(pg_relation_size(i.inhrelid))::float8 as heap,
           sum(pg_indexes_size(i.inhrelid))::float8 + pg_total_relation_size('public.usage_event_keys')::float8 as indexes,
           pg_total_relation_size('public.usage_aggregations')::float8 as rollups
    from pg_inherits i where i.inhparent = 'public.usage_events'::regclass`) as [
    { total: number; heap: number; indexes: number; rollups: number },
  ];

  const ratio = large.p50 / small.p50;
  const rows: BenchRow[] = [
    {
      what: "events stored (the measured organization's: all / over the displayed span)",
      measured: `${fmt(large.events, 0)} (${fmt(large.orgEvents, 0)} / ${fmt(large.orgSpanEvents, 0)}) vs ${fmt(small.events, 0)} (${fmt(small.orgEvents, 0)} / ${fmt(small.orgSpanEvents, 0)})`,
      budget: "(setup)",
      met: large.events >= LARGE && small.events >= SMALL,
      raw: {
        large: large.events,
        small: small.events,
        large_org: large.orgEvents,
        small_org: small.orgEvents,
        large_org_span: large.orgSpanEvents,
        small_org_span: small.orgSpanEvents,
        orgs: OTHER_ORGS + 1,
        members: MEMBERS,
      },
    },
    {
      what: "/usage server reads (owner, year), p50",
      measured: `${fmt(large.p50, 1)} ms vs ${fmt(small.p50, 1)} ms = ${fmt(ratio)} x`,
      budget: "<= 1.3 x",
      met: ratio <= 1.3,
      raw: { ratio: round(ratio), large_ms: round(large.p50), small_ms: round(small.p50), samples: SAMPLES },
    },
    {
      what: "/usage server reads, p95",
      measured: `${fmt(large.p95, 1)} ms vs ${fmt(small.p95, 1)} ms = ${fmt(large.p95 / small.p95)} x`,
      budget: "(reference)",
      met: true,
      raw: { ratio: round(large.p95 / small.p95), large_ms: round(large.p95), small_ms: round(small.p95) },
    },
    {
      what: "round trips of one page (sequential steps)",
      measured: `${trips.requests} requests in ${trips.steps} steps`,
      budget: "(reference)",
      met: true,
      raw: { requests: trips.requests, steps: trips.steps, paths: trips.paths },
    },
    ...Object.keys(large.reads).map((name) => {
      const a = large.reads[name] as number;
      const b = small.reads[name] as number;
      return {
        what: `  ${name}, p50`,
        measured: `${fmt(a, 1)} ms vs ${fmt(b, 1)} ms = ${fmt(a / b)} x`,
        budget: "(breakdown)",
        met: true,
        raw: { ratio: round(a / b), large_ms: round(a), small_ms: round(b) },
      };
    }),
    {
      what: "roll-up rows (all / the measured organization's)",
      measured: `${fmt(large.rollupRows, 0)} / ${fmt(large.orgRollupRows, 0)} vs ${fmt(small.rollupRows, 0)} / ${fmt(small.orgRollupRows, 0)}`,
      budget: "(reference)",
      met: true,
      raw: {
        large_all: large.rollupRows,
        large_org: large.orgRollupRows,
        small_all: small.rollupRows,
        small_org: small.orgRollupRows,
      },
    },
    {
      what: `usage_events on disk with its indexes and keys, per event (${fmt(large.events, 0)} events)`,
      measured: `${fmt(size.total / large.events, 0)} bytes (${fmt(size.total / 2 ** 20, 0)} MB: heap ${fmt(size.heap / 2 ** 20, 0)}, indexes and keys ${fmt(size.indexes / 2 ** 20, 0)})`,
      budget: "(reference)",
      met: true,
      raw: {
        bytes_per_event: round(size.total / large.events, 1),
        total_bytes: size.total,
        heap_bytes: size.heap,
        index_bytes: size.indexes,
        rollup_bytes: size.rollups,
      },
    },
    {
      what: `generating ${fmt(largeFill.added, 0)} events (INSERT … SELECT) / rolling everything up`,
      measured: `${fmt(largeFill.insertMs / 1000, 1)} s / ${fmt(largeFill.rollupMs / 1000, 1)} s`,
      budget: "(setup)",
      met: true,
      raw: {
        insert_ms: round(largeFill.insertMs),
        rollup_ms: round(largeFill.rollupMs),
        added: largeFill.added,
        small_insert_ms: round(smallFill.insertMs),
        small_rollup_ms: round(smallFill.rollupMs),
      },
    },
  ];
  printReport("The /usage page as history grows", rows, {
    small_events: SMALL,
    large_events: LARGE,
    samples: SAMPLES,
    members: MEMBERS,
    organizations: OTHER_ORGS + 1,
  });
});
