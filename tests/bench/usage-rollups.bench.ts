// docs/architecture.md §8, the read side: aggregate_usage over a day of 1M events against a bare
// GROUP BY of the same rows, and how long an event takes to show in current usage.
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";

import { afterAll, it } from "vitest";

import { flushUsage, logUsage } from "@/lib/usage/logging";
import { getCurrentUsage } from "@/lib/usage/queries";

import { sql } from "../support/supabase";
import { benchSize, fmt, percentile, printReport, round, type BenchRow } from "./report";

const db = sql();
afterAll(() => db.end());

it("aggregate_usage vs GROUP BY, and freshness", { timeout: 900_000 }, async () => {
  const rows: BenchRow[] = [];
  const events = benchSize("BENCH_AGGREGATE_EVENTS", 1_000_000, 100_000);
  const day = "2020-01-15T00:00:00Z";
  const run = randomUUID();

  // The day's month has its partition (the migration creates 13 months back).
  await db`select private.create_usage_partition('2020-01-01')`;
  // 1M events on one UTC day: 1,000 users in 20 organizations, every metric.
  await db.unsafe(`
    insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
    select ('00000000-0000-4000-8000-' || lpad((g % 1000)::text, 12, '0'))::uuid,
           ('00000000-0000-4000-9000-' || lpad((g % 20)::text, 12, '0'))::uuid,
           (array['record_created','api_call','automation_run','storage_used','schedule_executed','ai_tokens_used','user_active'])[1 + g % 7],
           1 + g % 5, '{}', '${day}'::timestamptz + (g % 86400) * interval '1 second', '${run}:' || g
    from generate_series(1, ${events}) g`);
  await db`analyze public.usage_events`;

  const groupBy = async () => {
    const start = performance.now();
    await db.unsafe(`
      select date_trunc('day', created_at at time zone 'utc'), org_id, user_id, event_type, sum(quantity), count(*)
      from public.usage_events
      where created_at >= '${day}' and created_at < '${day}'::timestamptz + interval '1 day'
      group by 1, 2, 3, 4`);
    return performance.now() - start;
  };
  const aggregate = async () => {
    const start = performance.now();
    await db`select public.aggregate_usage('daily', ${day}::timestamptz, ${day}::timestamptz + interval '1 day')`;
    return performance.now() - start;
  };
  await groupBy(); // warm the cache for both
  const samples = { groupBy: [] as number[], first: 0, again: [] as number[] };
  samples.first = await aggregate();
  for (let i = 0; i < 3; i++) {
    samples.groupBy.push(await groupBy());
    samples.again.push(await aggregate());
  }
  const bare = Math.min(...samples.groupBy);
  rows.push({
    what: `bare GROUP BY over ${fmt(events, 0)} events`,
    measured: `${fmt(bare, 0)} ms`,
    budget: "(reference)",
    met: true,
    raw: { ms: round(bare), events },
  });
  rows.push({
    what: "aggregate_usage, first run (inserts the rows)",
    measured: `${fmt(samples.first / bare, 2)} x`,
    budget: "<= 1.5 x GROUP BY",
    met: samples.first / bare <= 1.5,
    raw: { ratio: round(samples.first / bare), ms: round(samples.first), group_by_ms: round(bare) },
  });
  rows.push({
    what: "aggregate_usage, re-run (nothing changed)",
    measured: `${fmt(Math.min(...samples.again) / bare, 2)} x`,
    budget: "<= 1.5 x GROUP BY",
    met: Math.min(...samples.again) / bare <= 1.5,
    raw: {
      ratio: round(Math.min(...samples.again) / bare),
      ms: round(Math.min(...samples.again)),
      group_by_ms: round(bare),
    },
  });
  await db.unsafe(`delete from public.usage_events where idempotency_key like '${run}:%'`);
  await db`select public.aggregate_usage('daily', ${day}::timestamptz, ${day}::timestamptz + interval '1 day')`;
  await db`vacuum analyze public.usage_events`;

  // Freshness: from logUsage() until getCurrentUsage() counts the event.
  const user = randomUUID();
  const org = randomUUID();
  const latencies: number[] = [];
  for (let i = 0; i < 40; i++) {
    const before = (
      await getCurrentUsage(
        { orgId: org },
        { start: new Date(Date.now() - 60_000), end: new Date(Date.now() + 60_000) },
      )
    ).totals.api_call.total;
    const start = performance.now();
    logUsage({
      eventType: "api_call",
      userId: user,
      orgId: org,
      eventData: { route: "/fresh", method: "GET", status: 200 },
    });
    for (;;) {
      const now = await getCurrentUsage(
        { orgId: org },
        { start: new Date(Date.now() - 60_000), end: new Date(Date.now() + 60_000) },
      );
      if (now.totals.api_call.total > before) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    latencies.push(performance.now() - start);
  }
  await flushUsage();
  const p99 = percentile(
    latencies.sort((a, b) => a - b),
    99,
  );
  rows.push({
    what: "freshness: logged until counted, p99",
    measured: `${fmt(p99 / 1000, 2)} s`,
    budget: "<= 2 s",
    met: p99 <= 2000,
    raw: { p99_ms: round(p99), samples: latencies.length },
  });

  printReport("Aggregation and freshness", rows, { aggregated_events: events });
});

it(
  "monthly roll-ups from daily rows vs re-reading a month of raw events",
  { timeout: 3_600_000 },
  async () => {
    const events = benchSize("BENCH_MONTH_EVENTS", 30_000_000, 1_000_000);
    const month = "2019-06-01T00:00:00Z";
    const days = 30;
    const run = `bench-month-${randomUUID()}`;
    const chunk = 1_000_000;
    await db`select private.create_usage_partition(${month}::date)`;

    // A month of events, a day's share at a time: 1,000 users in 20 organizations, every metric,
    // API calls and AI tokens with the dimensions the app writes. Keys are claimed in one statement
    // per chunk, as ingest_usage_events does.
    const insertStarted = performance.now();
    for (let first = 0; first < events; first += chunk) {
      const last = Math.min(events, first + chunk) - 1;
      await db.begin(async (tx) => {
        await tx`select set_config('meterline.usage_keys_claimed', 'on', true)`;
        await tx.unsafe(`
        with inserted as (
          insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
          select ('00000000-0000-4000-8000-' || lpad((g % 1000)::text, 12, '0'))::uuid,
                 ('00000000-0000-4000-9000-' || lpad((g % 20)::text, 12, '0'))::uuid,
                 (array['record_created','api_call','automation_run','storage_used','schedule_executed','ai_tokens_used','user_active'])[1 + g % 7],
                 1 + g % 5,
                 case g % 7 when 1 then jsonb_build_object('route', '/api/v1/records', 'status', (array[200, 404])[1 + g % 2])
                            when 5 then jsonb_build_object('model', 'gpt-4o-mini') else '{}'::jsonb end,
                 '${month}'::timestamptz + (g::float8 / ${events}) * interval '${days} days',
                 '${run}:' || g
          from generate_series(${first}, ${last}) g
          returning idempotency_key, created_at
        )
        insert into public.usage_event_keys (idempotency_key, created_at) select idempotency_key, created_at from inserted`);
      });
    }
    const insertMs = performance.now() - insertStarted;
    await db`vacuum analyze public.usage_events`;

    // The cron's steps: one day each, every one well under a statement timeout.
    const dayMs: number[] = [];
    for (let d = 0; d < days; d++) {
      const started = performance.now();
      await db`select public.aggregate_usage('daily', ${month}::timestamptz + make_interval(days => ${d}),
                                           ${month}::timestamptz + make_interval(days => ${d + 1}))`;
      dayMs.push(performance.now() - started);
    }
    await db`analyze public.usage_aggregations`;

    const monthly = async () => {
      const started = performance.now();
      await db`select public.aggregate_usage('monthly', ${month}::timestamptz, ${month}::timestamptz + interval '1 month')`;
      return performance.now() - started;
    };
    // What the monthly roll-up used to do: the same grouping over the month's raw events.
    const fromRaw = async () => {
      const started = performance.now();
      await db.unsafe(`
      select date_trunc('month', e.created_at at time zone 'utc'), e.org_id, e.user_id, e.event_type,
             coalesce(concat_ws(chr(31), e.event_data ->> m.dimension_fields[1], e.event_data ->> m.dimension_fields[2]), ''),
             case when m.kind = 'unique' then 1 else sum(e.quantity) end, count(*)
      from public.usage_events e join public.usage_metrics m on m.metric = e.event_type
      where e.created_at >= '${month}' and e.created_at < '${month}'::timestamptz + interval '1 month'
      group by 1, 2, 3, 4, 5, m.kind`);
      return performance.now() - started;
    };
    const first = await monthly();
    const again: number[] = [];
    const raw: number[] = [];
    for (let i = 0; i < 3; i++) {
      raw.push(await fromRaw());
      again.push(await monthly());
    }
    const [counts] = await db<{ daily: number; monthly: number }[]>`
    select count(*) filter (where period_type = 'daily')::int as daily, count(*) filter (where period_type = 'monthly')::int as monthly
    from public.usage_aggregations
    where period_start >= ${month}::timestamptz and period_start < ${month}::timestamptz + interval '1 month'`;
    const rawMs = Math.min(...raw);
    const monthMs = Math.min(...again);
    const rows: BenchRow[] = [
      {
        what: `a month of ${fmt(events, 0)} events: aggregate_usage monthly (from ${fmt(counts?.daily ?? 0, 0)} daily rows) / GROUP BY over the raw month`,
        measured: `${fmt(monthMs, 0)} ms / ${fmt(rawMs, 0)} ms = ${fmt(monthMs / rawMs, 4)} x`,
        budget: "(reference: < 1)",
        met: monthMs < rawMs,
        raw: {
          ratio: round(monthMs / rawMs, 5),
          monthly_ms: round(monthMs),
          raw_group_by_ms: round(rawMs),
          first_ms: round(first),
        },
      },
      {
        what: `the cron's daily steps (${fmt(events / days, 0)} events a day): longest / median`,
        measured: `${fmt(Math.max(...dayMs), 0)} ms / ${fmt(
          percentile(
            [...dayMs].sort((a, b) => a - b),
            50,
          ),
          0,
        )} ms`,
        budget: "(reference: a statement timeout is 8 s on hosted Supabase)",
        met: true,
        raw: {
          longest_ms: round(Math.max(...dayMs)),
          median_ms: round(
            percentile(
              [...dayMs].sort((a, b) => a - b),
              50,
            ),
          ),
          per_day_ms: dayMs.map((ms) => round(ms, 0)),
          events_per_day: Math.round(events / days),
        },
      },
      {
        what: "roll-up rows for the month (daily / monthly)",
        measured: `${fmt(counts?.daily ?? 0, 0)} / ${fmt(counts?.monthly ?? 0, 0)}`,
        budget: "(reference)",
        met: true,
        raw: { daily: counts?.daily ?? 0, monthly: counts?.monthly ?? 0 },
      },
      {
        what: `generating ${fmt(events, 0)} events (INSERT … SELECT with their keys)`,
        measured: `${fmt(insertMs / 1000, 1)} s = ${fmt(events / (insertMs / 1000), 0)} events/s`,
        budget: "(setup)",
        met: true,
        raw: { insert_ms: round(insertMs), events_per_s: round(events / (insertMs / 1000), 0) },
      },
    ];
    printReport("Monthly roll-ups from daily rows", rows, { month_events: events, days });

    // Later benches measure their own history: drop this month whole, as retention would.
    await db`truncate usage_partitions.usage_events_p201906`;
    await db.unsafe(`delete from public.usage_event_keys where idempotency_key like '${run}:%'`);
    await db`delete from public.usage_aggregations where period_start >= ${month}::timestamptz and period_start < ${month}::timestamptz + interval '1 month'`;
  },
);
