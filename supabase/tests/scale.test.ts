// Partitioned usage_events (supabase/migrations/20261201000700_scale.sql) on a stack of its own:
// the migration from one heap, the key rule across partitions, partition upkeep, retention, late
// marks per organization and monthly roll-ups from daily rows. Retention drops months for good,
// which the shared stack's tests (writing in 2024-2025) must never feel.
import { copyFile, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { startStack, type Stack } from "@repo/local-supabase";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const MIGRATIONS = fileURLToPath(new URL("../migrations/", import.meta.url));
const SCALE = "20261201000700_scale.sql";

type Sql = postgres.Sql;

let dir: string;
let stack: Stack | null = null;
let db: Sql;

const ORG_A = "a0000000-0000-4000-8000-00000000000a";
const ORG_B = "b0000000-0000-4000-8000-00000000000b";
const USERS = ["10000000-0000-4000-8000-000000000001", "20000000-0000-4000-8000-000000000002"];

const monthKey = (at: Date) => `${at.getUTCFullYear()}${String(at.getUTCMonth() + 1).padStart(2, "0")}`;
const monthStart = (offset: number) => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
};

async function start(migrationsDir: string) {
  stack = await startStack({ dataDir: join(dir, "data"), migrationsDir, seedFile: null });
  db = postgres(stack.dbUrl, { max: 24, onnotice: () => undefined });
}

async function stop() {
  await db?.end();
  await stack?.stop();
  stack = null;
}

/** Every column of every event, in key order: equal before and after means no row changed. */
async function fingerprint() {
  const [row] = await db<{ n: number; hash: string }[]>`
    select count(*)::int as n,
           md5(string_agg(concat_ws('|', id, user_id, org_id, event_type, quantity, event_data, created_at, received_at, idempotency_key),
                          ',' order by idempotency_key)) as hash
    from public.usage_events`;
  return row;
}

async function partitions(): Promise<string[]> {
  return (
    await db<{ name: string }[]>`
      select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'public.usage_events'::regclass order by 1`
  ).map((r) => r.name);
}

async function record(
  key: string,
  at: string,
  org: string | null = ORG_A,
  conn: Sql | postgres.TransactionSql = db,
) {
  await conn`select private.record_usage_event(${USERS[0]!}::uuid, ${org}::uuid, 'api_call', 1, '{}'::jsonb, ${at}::timestamptz, ${key})`;
}

async function stored(key: string) {
  return db<{ created_at: Date; partition: string }[]>`
    select created_at, tableoid::regclass::text as partition from public.usage_events where idempotency_key = ${key}`;
}

async function totals(org: string, start: string, end: string) {
  return db<{ metric_type: string; total: string; count: number }[]>`
    select metric_type, total_quantity::text as total, event_count::int as count
    from public.usage_totals(${org}::uuid, null, ${start}::timestamptz, ${end}::timestamptz) order by 1`;
}

async function rawTotals(org: string, start: string, end: string) {
  return db<{ metric_type: string; total: string; count: number }[]>`
    select e.event_type as metric_type,
           case when m.kind = 'unique' then count(distinct e.user_id) else sum(e.quantity) end::text as total,
           count(*)::int as count
    from public.usage_events e join public.usage_metrics m on m.metric = e.event_type
    where e.org_id = ${org}
      and e.created_at < ${end}::timestamptz
      and (e.created_at >= ${start}::timestamptz or m.kind = 'gauge')
    group by 1, m.kind order by 1`;
}

let before: { n: number; hash: string } | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "usage-scale-"));
  const migrationsDir = join(dir, "migrations");
  await mkdir(migrationsDir);
  const files = (await readdir(MIGRATIONS)).filter((f) => f.endsWith(".sql")).sort();
  for (const file of files.filter((f) => f < SCALE))
    await copyFile(join(MIGRATIONS, file), join(migrationsDir, file));

  // One heap, as before the scale migration: 3,000 events in six months from 2019 to 2027, some
  // without an organization, rolled up for two days, then a late event on one of them.
  await start(migrationsDir);
  await db`
    insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
    select (array[${USERS[0]!}, ${USERS[1]!}])[1 + g % 2]::uuid,
           case when g % 5 = 0 then null else (array[${ORG_A}, ${ORG_B}])[1 + g % 3 % 2]::uuid end,
           (array['record_created', 'api_call', 'storage_used', 'user_active'])[1 + g % 4],
           case when g % 4 = 2 then g % 11 - 5 when g % 4 = 3 then 1 else 1 + g % 3 end,
           jsonb_build_object('n', g),
           (array['2019-03-15 10:00:00+00', '2025-01-31 23:59:59.999999+00', '2025-02-01 00:00:00+00',
                  '2026-06-10 12:00:00+00', '2026-11-30 23:00:00+00', '2027-09-01 00:00:00+00'])[1 + g % 6]::timestamptz
             + make_interval(secs => g % 97),
           'legacy:' || g
    from generate_series(1, 3000) g`;
  await db`select public.aggregate_usage('daily', '2025-01-31T00:00:00Z', '2025-02-02T00:00:00Z')`;
  await db`insert into public.usage_events (user_id, org_id, event_type, quantity, created_at, idempotency_key)
           values (${USERS[0]!}, ${ORG_B}, 'api_call', 7, '2025-02-01T12:00:00Z', 'legacy:late')`;
  before = await fingerprint();
  await stop();

  for (const file of files.filter((f) => f >= SCALE))
    await copyFile(join(MIGRATIONS, file), join(migrationsDir, file));
  await start(migrationsDir);
}, 240_000);

afterAll(async () => {
  await stop();
  await rm(dir, { recursive: true, force: true });
});

describe("migrating usage_events to monthly partitions", () => {
  it("keeps every row, column for column, each in its month's partition", async () => {
    expect(before?.n).toBe(3001);
    expect(await fingerprint()).toEqual(before);

    const names = await partitions();
    for (const month of ["201903", "202501", "202502", "202606", "202611", "202709"])
      expect(names).toContain(`usage_events_p${month}`);
    // 13 months back through 3 ahead, as the cron keeps them.
    for (let offset = -13; offset <= 3; offset++)
      expect(names).toContain(`usage_events_p${monthKey(monthStart(offset))}`);
    expect(names).toContain("usage_events_default");

    const misplaced = await db`
      select 1 from public.usage_events
      where tableoid::regclass::text <> 'usage_partitions.usage_events_p' || to_char(created_at at time zone 'utc', 'YYYYMM')`;
    expect(misplaced).toHaveLength(0);
  });

  it("moves every key into the key table, with its event's timestamp", async () => {
    const [mismatch] = await db<{ n: number }[]>`
      select count(*)::int as n
      from public.usage_events e full join public.usage_event_keys k on k.idempotency_key = e.idempotency_key
      where e.idempotency_key is null or k.idempotency_key is null or k.created_at <> e.created_at`;
    expect(mismatch?.n).toBe(0);
  });

  it("turns a day's late mark into one mark per organization that had events or roll-ups that day", async () => {
    const marks = await db<{ day: string; org_id: string }[]>`
      select day::text, org_id::text from public.usage_dirty_days where day = '2025-02-01' order by org_id`;
    expect(marks).toEqual([
      { day: "2025-02-01", org_id: "00000000-0000-0000-0000-000000000000" },
      { day: "2025-02-01", org_id: ORG_A },
      { day: "2025-02-01", org_id: ORG_B },
    ]);
  });
});

describe("one idempotency key, stored once, whatever its timestamp", () => {
  it("skips a repeated key in any other month", async () => {
    await record("k:seq", "2026-11-20T10:00:00Z");
    await record("k:seq", "2025-12-15T10:00:00Z");
    await record("k:seq", "2027-01-02T10:00:00Z");
    await db`insert into public.usage_events (user_id, org_id, event_type, quantity, created_at, idempotency_key)
             values (${USERS[1]!}, ${ORG_B}, 'record_created', 5, '2026-02-02T00:00:00Z', 'k:seq')`;
    const rows = await stored("k:seq");
    expect(rows.map((r) => [r.created_at.toISOString(), r.partition])).toEqual([
      ["2026-11-20T10:00:00.000Z", "usage_partitions.usage_events_p202611"],
    ]);
  });

  it("stores one of 24 concurrent writes of one key spread over 15 months", async () => {
    const writes = Array.from({ length: 24 }, (_, i) =>
      db.begin(async (tx) => {
        await record(
          "k:race",
          new Date(Date.UTC(2025, 11 + (i % 15), 3 + Math.floor(i / 15))).toISOString(),
          ORG_A,
          tx,
        );
        await tx`select pg_sleep(0.05)`; // hold the key while the others try
      }),
    );
    await Promise.all(writes);
    expect(await stored("k:race")).toHaveLength(1);
    const [keys] = await db<
      { n: number }[]
    >`select count(*)::int as n from public.usage_event_keys where idempotency_key = 'k:race'`;
    expect(keys?.n).toBe(1);
  });

  it("stores each key of concurrent ingest batches once, the first occurrence in a batch", async () => {
    const batch = (offset: number) =>
      Array.from({ length: 40 }, (_, i) => [
        USERS[i % 2] ?? "",
        ORG_A,
        "api_call",
        1,
        { i, offset },
        new Date(Date.UTC(2025, 11 + ((i + offset) % 15), 1 + offset)).toISOString(),
        `k:batch:${i % 30}`, // ten keys twice in the batch
      ]);
    const results = await Promise.all(
      Array.from(
        { length: 8 },
        (_, offset) =>
          db<
            { key: string }[]
          >`select k as key from public.ingest_usage_events(${db.json(batch(offset))}, true) k`,
      ),
    );
    expect(results.flat()).toHaveLength(30);
    const rows = await db<{ key: string; n: number }[]>`
      select idempotency_key as key, count(*)::int as n from public.usage_events
      where idempotency_key like 'k:batch:%' group by 1`;
    expect(rows).toHaveLength(30);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    // Within a batch the first occurrence wins: i and i + 30 share a key, i is kept.
    const kept = await db<{ i: number }[]>`
      select (event_data ->> 'i')::int as i from public.usage_events where idempotency_key like 'k:batch:%'`;
    expect(kept.every((r) => r.i < 30)).toBe(true);
  });

  it("frees a deleted event's key, and moves the key with an event moved to another month", async () => {
    await record("k:free", "2026-10-10T00:00:00Z");
    await db`delete from public.usage_events where idempotency_key = 'k:free'`;
    await record("k:free", "2026-03-03T00:00:00Z");
    expect((await stored("k:free")).map((r) => r.partition)).toEqual([
      "usage_partitions.usage_events_p202603",
    ]);

    await db`update public.usage_events set created_at = '2026-08-08T00:00:00Z' where idempotency_key = 'k:free'`;
    expect((await stored("k:free")).map((r) => r.partition)).toEqual([
      "usage_partitions.usage_events_p202608",
    ]);
    const [key] = await db<
      { created_at: Date }[]
    >`select created_at from public.usage_event_keys where idempotency_key = 'k:free'`;
    expect(key?.created_at.toISOString()).toBe("2026-08-08T00:00:00.000Z");
    await record("k:free", "2026-01-01T00:00:00Z");
    expect(await stored("k:free")).toHaveLength(1);

    // A key names its event: it cannot be changed into another (or any) key.
    await record("k:other", "2026-04-04T00:00:00Z");
    await expect(
      db`update public.usage_events set idempotency_key = 'k:free' where idempotency_key = 'k:other'`,
    ).rejects.toMatchObject({ code: "23514" });
    expect(await stored("k:free")).toHaveLength(1);
    expect(await stored("k:other")).toHaveLength(1);
  });

  it("never holds a key twice across the whole table, and the key table matches it", async () => {
    const duplicates =
      await db`select idempotency_key from public.usage_events group by 1 having count(*) > 1`;
    expect(duplicates).toHaveLength(0);
    const [mismatch] = await db<{ n: number }[]>`
      select count(*)::int as n
      from public.usage_events e full join public.usage_event_keys k on k.idempotency_key = e.idempotency_key
      where e.idempotency_key is null or k.idempotency_key is null`;
    expect(mismatch?.n).toBe(0);
  });
});

describe("partitions, reachable only through usage_events", () => {
  it("refuses users the partitions, the key table and the upkeep functions", async () => {
    for (const statement of [
      "select count(*) from usage_partitions.usage_events_default",
      "select count(*) from public.usage_event_keys",
      "select public.ensure_usage_partitions()",
      "select public.drop_expired_usage_partitions(13)",
      "select public.prune_usage_event_keys(10)",
    ]) {
      for (const role of ["anon", "authenticated"]) {
        await expect(
          db.begin(async (tx) => {
            await tx.unsafe(`set local role ${role}`);
            await tx.unsafe(statement);
          }),
          `${role}: ${statement}`,
        ).rejects.toMatchObject({ code: "42501" });
      }
    }
    if (!stack) throw new Error("no stack");
    const res = await fetch(`${stack.url}/rest/v1/usage_events_p${monthKey(monthStart(0))}?select=*`, {
      headers: { apikey: stack.anonKey, authorization: `Bearer ${stack.anonKey}` },
    });
    expect(res.status).toBe(404);
  });
});

describe("partition upkeep", () => {
  type Upkeep = { created: string[]; default_rows: number; default_months: string[] };
  const ensure = async (monthsAhead = 3) =>
    (await db<{ r: Upkeep }[]>`select public.ensure_usage_partitions(${monthsAhead}) as r`)[0]!.r;
  const monthName = (at: Date) => at.toISOString().slice(0, 7);

  it("creates the next three months once, and leaves a month the default partition caught where it is", async () => {
    expect((await ensure()).default_rows).toBe(0);

    await record("k:far", "2031-05-05T05:05:05Z");
    expect((await stored("k:far")).map((r) => r.partition)).toEqual([
      "usage_partitions.usage_events_default",
    ]);
    expect(await ensure()).toEqual({ created: [], default_rows: 1, default_months: ["2031-05"] });
    // Its partition is never made over its events, even when asked for the month itself.
    const [attempt] = await db<{ created: boolean }[]>`
      select private.create_usage_partition('2031-05-01') as created`;
    expect(attempt?.created).toBe(false);
    expect((await stored("k:far")).map((r) => r.partition)).toEqual([
      "usage_partitions.usage_events_default",
    ]);
    // Read like any other month, and the key still holds, so the event is stored once.
    expect(await totals(ORG_A, "2031-05-01T00:00:00Z", "2031-06-01T00:00:00Z")).toEqual(
      await rawTotals(ORG_A, "2031-05-01T00:00:00Z", "2031-06-01T00:00:00Z"),
    );
    await record("k:far", "2026-12-01T00:00:00Z");
    expect(await stored("k:far")).toHaveLength(1);
    await expect(db`select private.create_usage_partition('2031-05-02')`).rejects.toMatchObject({
      code: "22023",
    });
  });

  it("loses no write while a month's partition is created, and keeps each month in one place", async () => {
    const month = monthStart(4);
    const writes = Array.from({ length: 60 }, (_, i) =>
      record(`k:new-month:${i}`, new Date(month.getTime() + (i % 28) * 86_400_000 + 3_600_000).toISOString()),
    );
    const [upkeep] = await Promise.all([ensure(4), ...writes]);
    const rows = await db<{ partition: string; n: number }[]>`
      select tableoid::regclass::text as partition, count(*)::int as n from public.usage_events
      where idempotency_key like 'k:new-month:%' group by 1`;
    // Either the partition came first and holds them all, or a write came first and the month
    // stayed in the default partition, whole.
    const own = `usage_partitions.usage_events_p${monthKey(month)}`;
    expect(rows).toEqual([
      {
        partition: upkeep.created.includes(monthName(month)) ? own : "usage_partitions.usage_events_default",
        n: 60,
      },
    ]);
  });

  it("never hides a month's events from a read that waits for the upkeep", async () => {
    // A month without a partition: the default partition holds its events.
    for (let day = 1; day <= 5; day++) await record(`k:waiting:${day}`, `2033-03-0${day}T00:00:00Z`);
    const copied = async () => {
      const stream = await db
        .unsafe(
          `copy (select count(*) from public.usage_events
                       where created_at >= '2033-03-01' and created_at < '2033-04-01') to stdout`,
        )
        .readable();
      let text = "";
      for await (const chunk of stream) text += String(chunk);
      return Number(text.trim());
    };
    // A STABLE function's statements run on the snapshot of the call, taken before they wait.
    const totalled = async () =>
      (
        await db<{ n: number }[]>`
          select coalesce(sum(event_count), 0)::int as n
          from public.usage_totals(null, null, '2033-03-01T00:00:00Z', '2033-04-01T00:00:00Z')
          where metric_type = 'api_call'`
      )[0]?.n;
    const waitingReads = async () =>
      (
        await db<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity
          where wait_event_type = 'Lock' and query like '%2033-0%' and pid <> pg_backend_pid()`
      )[0]?.n;

    const reads: Promise<[number, number | undefined]>[] = [];
    const upkeep = await db.begin(async (tx) => {
      // A new month's partition: the upkeep holds usage_events exclusively until it commits.
      const [r] = await tx<{ r: Upkeep }[]>`select public.ensure_usage_partitions(5) as r`;
      reads.push(Promise.all([copied(), totalled()]));
      await expect.poll(waitingReads, { timeout: 10_000 }).toBe(2);
      return r?.r;
    });
    expect(await Promise.all(reads)).toEqual([[5, 5]]);
    expect(upkeep?.created).toEqual([monthName(monthStart(5))]);
    expect(new Set((await stored("k:waiting:1")).map((r) => r.partition))).toEqual(
      new Set(["usage_partitions.usage_events_default"]),
    );
  });

  it("lets readers and the upkeep queue for each other instead of deadlocking", async () => {
    // Each read opens partitions, then (in the same transaction) usage_events; meanwhile the
    // upkeep creates a month's partition. Opening a partition before usage_events deadlocked.
    const reads = [
      "select public.usage_first_event_at()",
      "select count(*) from public.console_usage_partitions()",
      "select private.usage_origin(null, null)",
    ];
    for (const [i, read] of reads.entries()) {
      const reader = await db.reserve();
      try {
        await reader`begin`;
        await reader.unsafe(read);
        const upkeep = ensure(6 + i);
        await expect
          .poll(
            async () =>
              (
                await db<{ n: number }[]>`
                  select count(*)::int as n from pg_stat_activity
                  where wait_event_type = 'Lock' and query like '%ensure_usage_partitions%'`
              )[0]?.n,
            { timeout: 10_000 },
          )
          .toBe(1);
        await reader`select count(*) from public.usage_events where created_at >= now()`;
        await reader`commit`;
        expect((await upkeep).created, read).toEqual([monthName(monthStart(6 + i))]);
      } finally {
        reader.release();
      }
    }
  });
});

describe("roll-ups", () => {
  it("computes months from daily rows, equal to the raw events, distinct active users included", async () => {
    const today = new Date(new Date().toISOString().slice(0, 10) + "T00:00:00Z");
    await db`select public.aggregate_usage('daily', '2019-03-01T00:00:00Z', ${today})`;
    await db`select public.aggregate_usage('monthly', '2019-03-01T00:00:00Z', ${monthStart(0)})`;
    const mismatched = await db`
      with raw as (
        select date_trunc('month', e.created_at at time zone 'utc') at time zone 'utc' as month,
               coalesce(e.org_id, '00000000-0000-0000-0000-000000000000') as org, e.user_id, e.event_type,
               case when m.kind = 'unique' then 1 else sum(e.quantity) end as total, count(*) as n
        from public.usage_events e join public.usage_metrics m on m.metric = e.event_type
        where e.created_at < ${monthStart(0)}
        group by 1, 2, 3, 4, m.kind
      ), monthly as (
        select period_start as month, coalesce(org_id, '00000000-0000-0000-0000-000000000000') as org,
               user_id, metric_type as event_type, sum(total_quantity) as total, sum(event_count) as n
        from public.usage_aggregations where period_type = 'monthly' and period_start < ${monthStart(0)}
        group by 1, 2, 3, 4
      )
      select * from raw full join monthly using (month, org, user_id, event_type)
      where raw.total is distinct from monthly.total or raw.n is distinct from monthly.n`;
    expect(mismatched).toEqual([]);
    const [activeRows] = await db<{ n: number }[]>`
      select count(*)::int as n from public.usage_aggregations
      where period_type = 'monthly' and metric_type = 'user_active' and total_quantity <> 1`;
    expect(activeRows?.n).toBe(0);
  });

  it("reads daily rows, not raw events, for a month (a changed daily row shows in the month)", async () => {
    const [changed] = await db<{ user_id: string; dimension: string }[]>`
      update public.usage_aggregations set total_quantity = total_quantity + 1000
      where id = (select id from public.usage_aggregations
                  where period_type = 'daily' and org_id = ${ORG_A} and metric_type = 'api_call'
                    and period_start >= '2026-06-01T00:00:00Z' and period_start < '2026-07-01T00:00:00Z'
                  order by period_start limit 1)
      returning user_id, dimension`;
    if (!changed) throw new Error("no daily api_call row for June 2026");
    const monthly = () => db<{ total: string }[]>`
      select total_quantity::text as total from public.usage_aggregations
      where period_type = 'monthly' and org_id = ${ORG_A} and metric_type = 'api_call'
        and period_start = '2026-06-01T00:00:00Z' and user_id = ${changed.user_id} and dimension = ${changed.dimension}`;
    const [was] = await monthly();
    await db`select public.aggregate_usage('monthly', '2026-06-01T00:00:00Z', '2026-07-01T00:00:00Z')`;
    const [now] = await monthly();
    expect(Number(now?.total)).toBe(Number(was?.total) + 1000);
    // Put it back from the raw events.
    await db`select public.aggregate_usage('daily', '2026-06-01T00:00:00Z', '2026-07-01T00:00:00Z')`;
    await db`select public.aggregate_usage('monthly', '2026-06-01T00:00:00Z', '2026-07-01T00:00:00Z')`;
    expect((await monthly())[0]?.total).toBe(was?.total);
  });

  it("sends only the backfilled organization's reads of a late day to raw events", async () => {
    // A sentinel in B's daily roll-up: a read of B that shows it came from the roll-ups.
    await db`update public.usage_aggregations set total_quantity = total_quantity + 500
             where period_type = 'daily' and org_id = ${ORG_B} and metric_type = 'record_created'
               and period_start = '2026-11-30T00:00:00Z'`;
    const range = ["2026-11-30T00:00:00Z", "2026-12-01T00:00:00Z"] as const;
    const rawB = (await rawTotals(ORG_B, ...range)).find((r) => r.metric_type === "record_created");
    expect(Number(rawB?.total)).toBeGreaterThan(0);

    await record("k:backfill", "2026-11-30T08:00:00Z", ORG_A);
    const marks = await db`select org_id::text from public.usage_dirty_days where day = '2026-11-30'`;
    expect(marks).toEqual([{ org_id: ORG_A }]);

    const readB = (await totals(ORG_B, ...range)).find((r) => r.metric_type === "record_created");
    expect(Number(readB?.total)).toBe(Number(rawB?.total) + 500);
    expect(await totals(ORG_A, ...range)).toEqual(await rawTotals(ORG_A, ...range));

    // Re-rolling the late day for A alone leaves B's rows as they were.
    await db`select public.aggregate_usage('daily', ${range[0]}, ${range[1]}, ${[ORG_A]}::uuid[])`;
    expect(
      Number((await totals(ORG_B, ...range)).find((r) => r.metric_type === "record_created")?.total),
    ).toBe(Number(rawB?.total) + 500);
    await db`select public.aggregate_usage('daily', ${range[0]}, ${range[1]})`;
    expect((await totals(ORG_B, ...range)).find((r) => r.metric_type === "record_created")?.total).toBe(
      rawB?.total,
    );
  });
});

describe("the storage level, read from one row per organization and month", () => {
  const end = () => new Date(Date.now() + 86_400_000).toISOString();
  const storage = async (
    org: string,
    user: string | null = null,
    conn: Sql | postgres.TransactionSql = db,
  ) => {
    const [row] = await conn<{ total: string }[]>`
      select total_quantity::text as total from public.usage_totals(${org}::uuid, ${user}::uuid, '2026-11-01', ${end()}::timestamptz)
      where metric_type = 'storage_used'`;
    return Number(row?.total ?? 0);
  };
  const rawStorage = async (org: string, user: string | null = null, before = end()) => {
    const [row] = await db<{ total: string }[]>`
      select coalesce(sum(quantity), 0)::text as total from public.usage_events
      where org_id = ${org} and event_type = 'storage_used' and created_at < ${before}::timestamptz
        and (${user}::uuid is null or user_id = ${user}::uuid)`;
    return Number(row?.total);
  };
  const sentinel = (delta: number) => db`
    update public.usage_gauge_months set total_quantity = total_quantity + ${delta}
    where org_id = ${ORG_A} and user_id is null and metric_type = 'storage_used' and month = '2019-03-01'`;

  it("keeps each month's gauge rows equal to its monthly roll-ups, per organization and per member", async () => {
    const mismatched = await db`
      with monthly as (
        select (a.period_start at time zone 'utc')::date as month, a.org_id, a.user_id,
               sum(a.total_quantity) as total, sum(a.event_count) as n
        from public.usage_aggregations a
        where a.period_type = 'monthly' and a.metric_type = 'storage_used' and a.org_id is not null
        group by grouping sets ((1, a.org_id, a.user_id), (1, a.org_id))
      )
      select * from monthly m
      full join (select * from public.usage_gauge_months where metric_type = 'storage_used') g
        on g.month = m.month and g.org_id = m.org_id and g.user_id is not distinct from m.user_id
      where g.total_quantity is distinct from m.total or g.event_count is distinct from m.n`;
    expect(mismatched).toEqual([]);
    const [rows] = await db<{ n: number }[]>`
      select count(*)::int as n from public.usage_gauge_months where org_id = ${ORG_A} and month = '2019-03-01'`;
    expect(rows?.n).toBe(2); // the organization, and the member who stored files (the other did not)
  });

  it("reads closed months from the gauge rows, and never a month whose roll-ups are stale", async () => {
    expect(await storage(ORG_A)).toBe(await rawStorage(ORG_A));
    // A sentinel in a closed month's organization row shows in the organization's level (and the
    // limit gate's), not in a member's, which reads the member rows.
    await sentinel(1_000_000);
    expect(await storage(ORG_A)).toBe((await rawStorage(ORG_A)) + 1_000_000);
    const [gate] = await db<{ total: string }[]>`
      select private.metric_total(${ORG_A}::uuid, 'storage_used', '2026-11-01', ${end()}::timestamptz)::text as total`;
    expect(Number(gate?.total)).toBe((await rawStorage(ORG_A)) + 1_000_000);
    expect(await storage(ORG_A, USERS[0]!)).toBe(await rawStorage(ORG_A, USERS[0]!));

    // A late event in that month: its roll-ups are stale, so the level reads it exactly (the
    // sentinel is skipped), and a month's roll-up rewrites its gauge rows.
    await db`select private.record_usage_event(${USERS[1]!}::uuid, ${ORG_A}::uuid, 'storage_used', 40, '{}'::jsonb,
                                               '2019-03-20T00:00:00Z'::timestamptz, 'k:late-storage')`;
    expect(await storage(ORG_A)).toBe(await rawStorage(ORG_A));
    const [series] = await db<{ total: string }[]>`
      select total_quantity::text as total from public.usage_series(${ORG_A}::uuid, null, '2026-01-01', '2026-02-01', 'month')
      where bucket_start is null and metric_type = 'storage_used'`;
    expect(Number(series?.total)).toBe(await rawStorage(ORG_A, null, "2026-01-01T00:00:00Z"));
    await db`select public.aggregate_usage('monthly', '2019-03-01T00:00:00Z', '2019-04-01T00:00:00Z')`;
    const [cleared] = await db<{ n: number }[]>`
      select count(*)::int as n from public.usage_dirty_days where org_id = ${ORG_A} and day < '2019-04-01'`;
    expect(cleared?.n).toBe(0);
    expect(await storage(ORG_A)).toBe(await rawStorage(ORG_A));
    expect(await storage(ORG_A, USERS[1]!)).toBe(await rawStorage(ORG_A, USERS[1]!));
  });

  it("gives a caller who sees only their own rows their own level, whatever scope they ask for", async () => {
    await sentinel(1_000_000);
    try {
      const own = await db.begin(async (tx) => {
        await tx`select set_config('role', 'authenticated', true),
                        set_config('request.jwt.claims', ${JSON.stringify({ sub: USERS[1], role: "authenticated" })}, true)`;
        const visible = await tx<{ n: number; whole: number }[]>`
          select count(*)::int as n, count(*) filter (where user_id is distinct from ${USERS[1]!}::uuid)::int as whole
          from public.usage_gauge_months`;
        return { visible: visible[0], level: await storage(ORG_A, null, tx) };
      });
      expect(own.visible?.n).toBeGreaterThan(0);
      expect(own.visible?.whole).toBe(0);
      expect(own.level).toBe(await rawStorage(ORG_A, USERS[1]!));
    } finally {
      await sentinel(-1_000_000);
    }
  });
});

describe("retention", () => {
  const horizon = monthStart(-13);

  it("drops only rolled-up months without late events, oldest first, and keeps the roll-ups", async () => {
    const today = new Date(new Date().toISOString().slice(0, 10) + "T00:00:00Z");
    await db`select public.aggregate_usage('daily', '2019-03-01T00:00:00Z', ${today})`;
    await db`select public.aggregate_usage('monthly', '2019-03-01T00:00:00Z', ${monthStart(0)})`;
    const history = ["2019-01-01T00:00:00Z", today.toISOString()] as const;
    const readsBefore = [await totals(ORG_A, ...history), await totals(ORG_B, ...history)];
    expect(readsBefore[0]).toEqual(await rawTotals(ORG_A, ...history));

    // A late event in January 2025 holds that month (and every later one) back.
    await record("k:late-2025", "2025-01-15T00:00:00Z", ORG_A);
    const [first] = await db<{ r: { dropped: string[]; raw_from: string; waiting: string | null } }[]>`
      select public.drop_expired_usage_partitions(13) as r`;
    expect(first?.r.dropped).toEqual(["2019-03"]);
    expect(first?.r.waiting).toBe("2025-01 has late events to roll up");
    expect(new Date(first?.r.raw_from ?? "").toISOString()).toBe("2025-01-01T00:00:00.000Z");

    await db`select public.aggregate_usage('daily', '2025-01-15T00:00:00Z', '2025-01-16T00:00:00Z', ${[ORG_A]}::uuid[])`;
    await db`select public.aggregate_usage('monthly', '2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z', ${[ORG_A]}::uuid[])`;
    const expected = (await partitions())
      .filter((n) => /^usage_events_p\d{6}$/.test(n) && n < `usage_events_p${monthKey(horizon)}`)
      .map((n) => `${n.slice(14, 18)}-${n.slice(18)}`);
    expect(expected.slice(0, 2)).toEqual(["2025-01", "2025-02"]);
    const [second] = await db<{ r: { dropped: string[]; raw_from: string; waiting: string | null } }[]>`
      select public.drop_expired_usage_partitions(13) as r`;
    expect(second?.r.dropped).toEqual(expected);
    expect(second?.r.waiting).toBeNull();
    expect(new Date(second?.r.raw_from ?? "").toISOString()).toBe(horizon.toISOString());

    const names = await partitions();
    expect(
      names.filter((n) => n.startsWith("usage_events_p") && n < `usage_events_p${monthKey(horizon)}`),
    ).toEqual([]);
    expect(names).toContain("usage_events_expired");
    const [old] = await db<
      { n: number }[]
    >`select count(*)::int as n from public.usage_events where created_at < ${horizon}`;
    expect(old?.n).toBe(0);

    // What the dashboards read is unchanged: the dropped months live on in their roll-ups.
    const readsAfter = [await totals(ORG_A, ...history), await totals(ORG_B, ...history)];
    const withLate = readsBefore[0]!.map((r) =>
      r.metric_type === "api_call" ? { ...r, total: String(Number(r.total) + 1), count: r.count + 1 } : r,
    );
    expect(readsAfter).toEqual([withLate, readsBefore[1]]);
  });

  it("refuses a late event for a dropped month instead of reopening it, and never recreates the month", async () => {
    await expect(record("k:too-old", "2025-03-03T00:00:00Z")).rejects.toMatchObject({ code: "23514" });
    await expect(
      db`select public.ingest_usage_events(${db.json([[USERS[0]!, ORG_A, "api_call", 1, {}, "2024-06-01T00:00:00Z", "k:too-old:2"]])})`,
    ).rejects.toMatchObject({ code: "23514" });
    expect(await stored("k:too-old")).toHaveLength(0);
    await db`select public.ensure_usage_partitions()`;
    expect((await partitions()).filter((n) => n === "usage_events_p202503")).toEqual([]);
  });

  it("prunes the dropped months' keys in bounded batches", async () => {
    const oldKeys = async () =>
      (
        await db<
          { n: number }[]
        >`select count(*)::int as n from public.usage_event_keys where created_at < ${horizon}`
      )[0]?.n;
    const start = await oldKeys();
    expect(start).toBeGreaterThan(100);
    const [batch] = await db<{ n: string }[]>`select public.prune_usage_event_keys(100) as n`;
    expect(Number(batch?.n)).toBe(100);
    expect(await oldKeys()).toBe((start ?? 0) - 100);
    for (;;) {
      const [next] = await db<{ n: string }[]>`select public.prune_usage_event_keys(1000) as n`;
      if (Number(next?.n) === 0) break;
    }
    expect(await oldKeys()).toBe(0);
    const [kept] = await db<{ n: number }[]>`
      select count(*)::int as n from public.usage_events e
      where not exists (select 1 from public.usage_event_keys k where k.idempotency_key = e.idempotency_key)`;
    expect(kept?.n).toBe(0);
  });

  it("refuses to keep fewer than two months", async () => {
    await expect(db`select public.drop_expired_usage_partitions(1)`).rejects.toMatchObject({ code: "22023" });
  });
});
