// The cost of hard limits: a limit check and a current-usage read must not grow with the history
// stored (5M events vs 10k, other organizations' and earlier months', all rolled up), a check must
// not scan usage_events, and a gated action may cost at most one round trip more than an ungated
// one. Reported as ratios measured in one run (`BENCH_LIMIT_EVENTS` makes it quicker).
import { performance } from "node:perf_hooks";

import { afterAll, it } from "vitest";

import { createRecord } from "@/lib/records/mutations";
import { getCurrentUsage } from "@/lib/usage/queries";

import { createOrg, createTestUser, serviceClient, sql, type TestUser } from "../support/supabase";
import { benchSize, fmt, percentile, printReport, round, type BenchRow } from "./report";

const db = sql();
afterAll(() => db.end());

const SAMPLES = benchSize("BENCH_LIMIT_SAMPLES", 200, 100);

async function p50(samples: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 10; i++) await fn(); // warm connections and plans
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return percentile(
    times.sort((a, b) => a - b),
    50,
  );
}

/** Fills usage_events up to `total` rows with other organizations' events from January to last month. */
async function fillHistory(total: number, run: string) {
  const [{ n }] = (await db`select count(*)::int as n from public.usage_events`) as [{ n: number }];
  const missing = total - n;
  if (missing <= 0) return;
  await db.unsafe(`
    insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
    select md5('${run}:u' || (g % 5000))::uuid, md5('${run}:o' || (g % 800))::uuid,
           (array['api_call','record_created','ai_tokens_used','automation_run','storage_used'])[1 + g % 5],
           1 + g % 3, '{}',
           date_trunc('month', now()) - interval '300 days' + (g::float8 / ${missing}) * interval '299 days',
           '${run}:' || g
    from generate_series(1, ${missing}) g`);
  await db`select public.aggregate_usage('daily', date_trunc('month', now()) - interval '301 days', date_trunc('day', now()))`;
  await db`select public.aggregate_usage('monthly', date_trunc('month', now()) - interval '301 days', date_trunc('month', now()))`;
  await db`vacuum analyze public.usage_events`;
  await db`vacuum analyze public.usage_aggregations`;
}

async function seqScans(): Promise<number> {
  await db`select pg_stat_force_next_flush()`;
  // usage_events is partitioned: its scans are its partitions'.
  const [row] = (await db`
    select coalesce(sum(s.seq_scan), 0)::int as n
    from pg_stat_user_tables s join pg_inherits i on i.inhrelid = s.relid
    where i.inhparent = 'public.usage_events'::regclass`) as [{ n: number }];
  return row.n;
}

it("limit checks and current usage stay flat as history grows", { timeout: 3_600_000 }, async () => {
  const admin = serviceClient();
  const big = benchSize("BENCH_LIMIT_EVENTS", 5_000_000, 200_000);
  const run = `bench-limits-${Date.now()}`;

  // The organization under test: on the free plan, with this month's own usage.
  const owner: TestUser = await createTestUser();
  const orgId = await createOrg(owner);
  await db.unsafe(`
    insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
    select '${owner.id}', '${orgId}', (array['api_call','ai_tokens_used','storage_used'])[1 + g % 3], 1, '{}',
           now() - (g % 48) * interval '1 hour', '${run}:own:' || g
    from generate_series(1, 300) g`);
  // And one on an unlimited plan, for the cost of the gate itself.
  const unlimitedOwner = await createTestUser();
  const unlimitedOrg = await createOrg(unlimitedOwner);
  await admin.rpc("change_org_plan", {
    p_org_id: unlimitedOrg,
    p_plan_id: "enterprise",
    p_actor: unlimitedOwner.id,
  });

  const billing = {
    start: new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1)),
    end: new Date(),
  };
  const measure = async () => ({
    check: await p50(SAMPLES, async () => {
      const { error } = await admin.rpc("check_usage_limit", { p_org_id: orgId, p_metric: "api_call" });
      if (error) throw error;
    }),
    storage: await p50(SAMPLES, async () => {
      const { error } = await admin.rpc("check_usage_limit", { p_org_id: orgId, p_metric: "storage_used" });
      if (error) throw error;
    }),
    current: await p50(SAMPLES, () => getCurrentUsage({ orgId }, billing)),
  });

  await fillHistory(10_000, `${run}:small`);
  const small = await measure();
  await fillHistory(big, `${run}:big`);
  const [{ n: stored }] = (await db`select count(*)::int as n from public.usage_events`) as [{ n: number }];
  const large = await measure();

  const scansBefore = await seqScans();
  for (let i = 0; i < 50; i++) {
    await admin.rpc("check_usage_limit", { p_org_id: orgId, p_metric: "api_call" });
    await getCurrentUsage({ orgId }, billing);
  }
  const scans = (await seqScans()) - scansBefore;

  // A gated action (a record insert: lock, exact usage read, event) against the same insert on an
  // unlimited plan (no gate), and a bare round trip for scale.
  let i = 0;
  const gated = await p50(SAMPLES, () =>
    createRecord(owner.client, { orgId, userId: owner.id, input: { title: `g${i++}`, body: "", tags: [] } }),
  );
  const ungated = await p50(SAMPLES, () =>
    createRecord(unlimitedOwner.client, {
      orgId: unlimitedOrg,
      userId: unlimitedOwner.id,
      input: { title: `u${i++}`, body: "", tags: [] },
    }),
  );
  const roundTrip = await p50(SAMPLES, async () => {
    const { error } = await owner.client.from("plans").select("id").eq("id", "free");
    if (error) throw error;
  });

  const rows: BenchRow[] = [
    {
      what: `events stored`,
      measured: `${fmt(stored, 0)} vs 10,000`,
      budget: "(setup)",
      met: stored >= big,
      raw: { stored, small: 10_000 },
    },
    {
      what: "limit check (check_usage_limit, api_call), p50",
      measured: `${fmt(large.check, 1)} ms vs ${fmt(small.check, 1)} ms = ${fmt(large.check / small.check)} x`,
      budget: "<= 1.3 x",
      met: large.check / small.check <= 1.3,
      raw: {
        ratio: round(large.check / small.check),
        large_ms: round(large.check),
        small_ms: round(small.check),
      },
    },
    {
      what: "limit check, storage gauge (all history), p50",
      measured: `${fmt(large.storage, 1)} ms vs ${fmt(small.storage, 1)} ms = ${fmt(large.storage / small.storage)} x`,
      budget: "<= 1.3 x",
      met: large.storage / small.storage <= 1.3,
      raw: {
        ratio: round(large.storage / small.storage),
        large_ms: round(large.storage),
        small_ms: round(small.storage),
      },
    },
    {
      what: "getCurrentUsage, billing period, p50",
      measured: `${fmt(large.current, 1)} ms vs ${fmt(small.current, 1)} ms = ${fmt(large.current / small.current)} x`,
      budget: "<= 1.3 x",
      met: large.current / small.current <= 1.3,
      raw: {
        ratio: round(large.current / small.current),
        large_ms: round(large.current),
        small_ms: round(small.current),
      },
    },
    {
      what: `sequential scans of usage_events in 50 checks + 50 reads (${fmt(stored, 0)} events)`,
      measured: String(scans),
      budget: "0",
      met: scans === 0,
      raw: { seq_scans: scans },
    },
    {
      what: "gated record insert vs the same insert ungated, p50",
      measured: `${fmt(gated, 1)} ms vs ${fmt(ungated, 1)} ms: +${fmt(gated - ungated, 1)} ms = ${fmt((gated - ungated) / roundTrip)} round trips of ${fmt(roundTrip, 1)} ms`,
      budget: "<= 1 round trip",
      met: gated - ungated <= roundTrip,
      raw: {
        round_trips: round((gated - ungated) / roundTrip),
        gated_ms: round(gated),
        ungated_ms: round(ungated),
        round_trip_ms: round(roundTrip),
      },
    },
  ];
  printReport("Limits as history grows", rows, { events_stored: big, samples: SAMPLES });

  await db.unsafe(`delete from public.usage_events where idempotency_key like '${run}:%'`);
});
