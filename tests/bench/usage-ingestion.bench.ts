// docs/architecture.md §8, the write side: what logUsage costs the user's action, and how fast the
// queue moves events into Postgres compared with COPY into the same table.
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";

import { afterAll, beforeAll, it } from "vitest";

import { flushUsage, logUsage } from "@/lib/usage/logging";

import { createTestUser, sql, type TestUser } from "../support/supabase";
import { fmt, percentile, printReport, type BenchRow } from "./report";

const db = sql();
let user: TestUser;
let orgId: string;

beforeAll(async () => {
  user = await createTestUser();
  const rows = await db`select id from public.organizations where created_by = ${user.id}`;
  orgId = rows[0]?.id as string;
});
afterAll(() => db.end());

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
  for (let i = 0; i < 3000; i++) {
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
  });
  rows.push({
    what: "action with logUsage / without, p50",
    measured: fmt(p50Ratio, 3),
    budget: "(for reference)",
    met: true,
  });

  // 2. The logUsage call itself.
  const calls = 50_000;
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
  });
  await flushUsage();

  // 3. Sustained ingestion through logUsage into Postgres vs COPY of the same rows.
  const total = 200_000;
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

  const copyId = randomUUID();
  const now = new Date().toISOString();
  const copyStart = performance.now();
  const writable =
    await db`copy public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key) from stdin`.writable();
  await new Promise<void>((resolve, reject) => {
    writable.on("error", reject);
    writable.on("finish", resolve);
    let i = 0;
    const write = () => {
      let ok = true;
      while (i < total && ok) {
        ok = writable.write(
          `${user.id}\t${orgId}\tapi_call\t1\t{"route":"/bench","method":"GET","status":200}\t${now}\tcopy:${copyId}:${i}\n`,
        );
        i++;
      }
      if (i < total) writable.once("drain", write);
      else writable.end();
    };
    write();
  });
  const copyRate = total / ((performance.now() - copyStart) / 1000);
  rows.push({
    what: "sustained ingestion through logUsage",
    measured: `${fmt(ingestRate, 0)} events/s`,
    budget: ">= 40,000 events/s",
    met: ingestRate >= 40_000,
  });
  rows.push({
    what: "  of which logUsage calls",
    measured: `${fmt(enqueueSeconds)} s of ${fmt(ingestSeconds)} s`,
    budget: "(breakdown)",
    met: true,
  });
  rows.push({
    what: "COPY into the same table",
    measured: `${fmt(copyRate, 0)} rows/s`,
    budget: "(reference)",
    met: true,
  });
  rows.push({
    what: "logUsage ingestion / COPY",
    measured: fmt(ingestRate / copyRate, 3),
    budget: ">= 0.5",
    met: ingestRate / copyRate >= 0.5,
  });
  rows.push({
    what: "events stored / logged",
    measured: `${stored[0]?.n} / ${total}`,
    budget: "all",
    met: stored[0]?.n === total,
  });

  printReport("Usage ingestion (logUsage -> Postgres)", rows);
});
