// docs/architecture.md §8, the write side: what logUsage costs the user's action, and how fast the
// queue moves events into Postgres compared with COPY into the same table.
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";

import type postgres from "postgres";
import { afterAll, beforeAll, it } from "vitest";

import { flushUsage, logUsage } from "@/lib/usage/logging";

import { createTestUser, serviceClient, sql, type TestUser } from "../support/supabase";
import { benchSize, fmt, percentile, printReport, round, type BenchRow } from "./report";

const db = sql();
const ACTIONS = benchSize("BENCH_INGEST_ACTIONS", 3000, 600);
const CALLS = benchSize("BENCH_INGEST_CALLS", 50_000, 10_000);
const EVENTS = benchSize("BENCH_INGEST_EVENTS", 200_000, 20_000);
let user: TestUser;
let orgId: string;

beforeAll(async () => {
  user = await createTestUser();
  const rows = await db`select id from public.organizations where created_by = ${user.id}`;
  orgId = rows[0]?.id as string;
  // Thousands of records: on an unlimited plan, or the free plan's record limit refuses them.
  const { error } = await serviceClient().rpc("change_org_plan", {
    p_org_id: orgId,
    p_plan_id: "enterprise",
    p_actor: user.id,
  });
  if (error) throw error;
});
afterAll(async () => {
  // The next bench measures its own history: leave no events behind.
  await db`delete from public.usage_events where org_id = ${orgId}`;
  await db.end();
});

it("logUsage: overhead on an action, and sustained ingestion vs COPY", { timeout: 600_000 }, async () => {
  const rows: BenchRow[] = [];

  // 1. A server action (a record insert through PostgREST under RLS) with and without logUsage,
  //    interleaved so both see the same machine load.
  const action = async (withUsage: boolean) => {
    const { data, error } = await user.client
      .from("records")
      .insert({ org_id: orgId, created_by: user.id, title: "bench" })
      .select("id")
      .single();
    if (error) throw error;
    if (withUsage) {
      logUsage({
        eventType: "record_created",
        userId: user.id,
        orgId,
        eventData: { record_id: data.id },
        idempotencyKey: `record_created:${data.id}`,
      });
    }
  };
  for (let i = 0; i < 50; i++) await action(i % 2 === 0); // warm up
  const timings = { with: [] as number[], without: [] as number[] };
  for (let i = 0; i < ACTIONS; i++) {
    const withUsage = i % 2 === 0;
    const start = performance.now();
    await action(withUsage);
    timings[withUsage ? "with" : "without"].push(performance.now() - start);
  }
  await flushUsage();
  const sortedWith = timings.with.sort((a, b) => a - b);
  const sortedWithout = timings.without.sort((a, b) => a - b);
  const p99Ratio = percentile(sortedWith, 99) / percentile(sortedWithout, 99);
  const p50Ratio = percentile(sortedWith, 50) / percentile(sortedWithout, 50);
  rows.push({
    what: "action with logUsage / without, p99",
    measured: fmt(p99Ratio, 3),
    budget: "<= 1.05",
    met: p99Ratio <= 1.05,
    raw: {
      ratio: round(p99Ratio),
      with_ms: round(percentile(sortedWith, 99)),
      without_ms: round(percentile(sortedWithout, 99)),
      samples: ACTIONS,
    },
  });
  rows.push({
    what: "action with logUsage / without, p50",
    measured: fmt(p50Ratio, 3),
    budget: "(for reference)",
    met: true,
    raw: {
      ratio: round(p50Ratio),
      with_ms: round(percentile(sortedWith, 50)),
      without_ms: round(percentile(sortedWithout, 50)),
    },
  });

  // 2. The logUsage call itself.
  const calls = CALLS;
  const prefix = randomUUID();
  const started = performance.now();
  for (let i = 0; i < calls; i++) {
    logUsage({
      eventType: "api_call",
      userId: user.id,
      orgId,
      eventData: { route: "/bench", method: "GET", status: 200 },
      idempotencyKey: `bench:${prefix}:${i}`,
    });
  }
  const perCallUs = ((performance.now() - started) * 1000) / calls;
  rows.push({
    what: "logUsage call",
    measured: `${fmt(perCallUs)} µs`,
    budget: "< 50 µs",
    met: perCallUs < 50,
    raw: { us_per_call: round(perCallUs), calls },
  });
  await flushUsage();

  // 3. Sustained ingestion through logUsage into Postgres vs COPY of the same rows.
  const total = EVENTS;
  const runId = randomUUID();
  const ingestStart = performance.now();
  for (let i = 0; i < total; i++) {
    logUsage({
      eventType: "api_call",
      userId: user.id,
      orgId,
      eventData: { route: "/bench", method: "GET", status: 200 },
      idempotencyKey: `ingest:${runId}:${i}`,
    });
    // A server logs between requests, not in one synchronous burst: let the queue flush meanwhile.
    if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
  }
  const enqueueSeconds = (performance.now() - ingestStart) / 1000;
  await flushUsage();
  const ingestSeconds = (performance.now() - ingestStart) / 1000;
  const stored =
    await db`select count(*)::int as n from public.usage_events where idempotency_key like ${`ingest:${runId}:%`}`;
  const ingestRate = (stored[0]?.n as number) / ingestSeconds;

  /** COPY of `total` rows like the ones logged, through one connection. */
  const copyRows = async (conn: postgres.Sql | postgres.TransactionSql, prefix: string) => {
    const now = new Date().toISOString();
    const writable =
      await conn`copy public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key) from stdin`.writable();
    await new Promise<void>((resolve, reject) => {
      writable.on("error", reject);
      writable.on("finish", resolve);
      let i = 0;
      const write = () => {
        let ok = true;
        while (i < total && ok) {
          ok = writable.write(
            `${user.id}\t${orgId}\tapi_call\t1\t{"route":"/bench","method":"GET","status":200}\t${now}\t${prefix}:${i}\n`,
          );
          i++;
        }
        if (i < total) writable.once("drain", write);
        else writable.end();
      };
      write();
    });
  };
  // COPY into usage_events as it is: every row through the key guard, as any writer's would.
  const copyStart = performance.now();
  await copyRows(db, `copy:${randomUUID()}`);
  const copyRate = total / ((performance.now() - copyStart) / 1000);
  // And the floor: COPY with the key guard switched off (rows without keys: never in production).
  const bareStart = performance.now();
  await db.begin(async (tx) => {
    await tx`select set_config('meterline.usage_keys_claimed', 'on', true)`;
    await copyRows(tx, `copy-bare:${randomUUID()}`);
  });
  const bareCopyRate = total / ((performance.now() - bareStart) / 1000);
  rows.push({
    what: "sustained ingestion through logUsage",
    measured: `${fmt(ingestRate, 0)} events/s`,
    budget: ">= 40,000 events/s",
    met: ingestRate >= 40_000,
    raw: { events_per_s: round(ingestRate, 0), events: total, seconds: round(ingestSeconds) },
  });
  rows.push({
    what: "  of which logUsage calls",
    measured: `${fmt(enqueueSeconds)} s of ${fmt(ingestSeconds)} s`,
    budget: "(breakdown)",
    met: true,
    raw: { enqueue_s: round(enqueueSeconds), total_s: round(ingestSeconds) },
  });
  rows.push({
    what: "COPY into the same table",
    measured: `${fmt(copyRate, 0)} rows/s`,
    budget: "(reference)",
    met: true,
    raw: { rows_per_s: round(copyRate, 0), rows: total },
  });
  rows.push({
    what: "COPY without the key guard (rows alone)",
    measured: `${fmt(bareCopyRate, 0)} rows/s`,
    budget: "(reference)",
    met: true,
    raw: { rows_per_s: round(bareCopyRate, 0), rows: total },
  });
  rows.push({
    what: "logUsage ingestion / COPY without the key guard",
    measured: fmt(ingestRate / bareCopyRate, 3),
    budget: "(reference)",
    met: true,
    raw: { ratio: round(ingestRate / bareCopyRate) },
  });
  rows.push({
    what: "logUsage ingestion / COPY",
    measured: fmt(ingestRate / copyRate, 3),
    budget: ">= 0.75",
    met: ingestRate / copyRate >= 0.75,
    raw: { ratio: round(ingestRate / copyRate) },
  });
  rows.push({
    what: "events stored / logged",
    measured: `${stored[0]?.n} / ${total}`,
    budget: "all",
    met: stored[0]?.n === total,
    raw: { stored: stored[0]?.n ?? null, logged: total },
  });

  printReport("Usage ingestion (logUsage -> Postgres)", rows, {
    actions: ACTIONS,
    logUsage_calls: CALLS,
    ingested_events: EVENTS,
  });
});
