// docs/architecture.md §8, the read side: aggregate_usage over a day of 1M events against a bare
// GROUP BY of the same rows, and how long an event takes to show in current usage.
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";

import { afterAll, it } from "vitest";

import { flushUsage, logUsage } from "@/lib/usage/logging";
import { getCurrentUsage } from "@/lib/usage/queries";

import { sql } from "../support/supabase";
import { fmt, percentile, printReport, type BenchRow } from "./report";

const db = sql();
afterAll(() => db.end());

it("aggregate_usage vs GROUP BY, and freshness", { timeout: 900_000 }, async () => {
  const rows: BenchRow[] = [];
  const events = Number(process.env.BENCH_AGGREGATE_EVENTS ?? 1_000_000);
  const day = "2020-01-15T00:00:00Z";
  const run = randomUUID();

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
  });
  rows.push({
    what: "aggregate_usage, first run (inserts the rows)",
    measured: `${fmt(samples.first / bare, 2)} x`,
    budget: "<= 1.5 x GROUP BY",
    met: samples.first / bare <= 1.5,
  });
  rows.push({
    what: "aggregate_usage, re-run (nothing changed)",
    measured: `${fmt(Math.min(...samples.again) / bare, 2)} x`,
    budget: "<= 1.5 x GROUP BY",
    met: Math.min(...samples.again) / bare <= 1.5,
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
  });

  printReport("Aggregation and freshness", rows);
});
