// docs/architecture.md §8, exports: a CSV export of 1M raw events at >= 100k rows/s with flat memory
// (peak RSS growth < 100 MB), measured in-process on the server side: the route's handler
// (handleUsageExport) with a real Request and a signed-in owner's context, its ReadableStream read
// to the end as fast as a client could take it. The budget is for raw CSV as it is served when
// SUPABASE_DB_URL is set (COPY straight from Postgres); CSV through the API's JSON pages (without
// it) and JSON Lines are measured the same way for reference. The database read and the encoding
// of one page are timed on their own too, so a miss says where the time goes.
import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

import { afterAll, beforeAll, it } from "vitest";

import { addUtcDays, startOfUtcDay } from "../../packages/usage/src/index";

import type { AuthContext } from "@/lib/auth/server";
import { createAdminSupabaseClient } from "@/lib/supabase/admin";
import { EXPORT_PAGE_ROWS, handleUsageExport } from "@/lib/usage/export";
import { RAW_JSON_COLUMNS, csvChunk, exportColumns, jsonlChunk, type Cell } from "@/lib/usage/export-format";
import { readEventPage, type EventCursor } from "@/lib/usage/export-queries";

import { createOrg, createTestUser, sql, type TestUser } from "../support/supabase";
import { benchSize, fmt, printReport, round, type BenchRow } from "./report";

const db = sql();
afterAll(() => db.end());

const ROWS = benchSize("BENCH_EXPORT_ROWS", 1_000_000, 100_000);
const RUNS = benchSize("BENCH_EXPORT_RUNS", 2, 2);
const MEMBERS = 20;
const DAYS = 30;
const MB = 1024 * 1024;

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

let owner: TestUser;
let ctx: AuthContext;
let orgId: string;
const today = startOfUtcDay(new Date());
const from = addUtcDays(today, -DAYS);
// `to` as a date includes that day: the range is [from, today).
const query = () =>
  `org=${orgId}&from=${from.toISOString().slice(0, 10)}&to=${addUtcDays(today, -1).toISOString().slice(0, 10)}`;

beforeAll(async () => {
  owner = await createTestUser({ displayName: "Export Owner" });
  const members: TestUser[] = [];
  for (let i = 0; i < MEMBERS - 1; i += 5) {
    members.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(5, MEMBERS - 1 - i) }, (_, j) =>
          // One hostile name, as a real organization may have: its cells are neutralised.
          createTestUser({ displayName: i + j === 7 ? "=HYPERLINK(1)" : `Member ${i + j}` }),
        ),
      )),
    );
  }
  orgId = await createOrg(
    owner,
    members.map((m) => [m, "member"]),
  );
  const { data, error } = await owner.client.auth.getUser();
  if (error || !data.user) throw error ?? new Error("no user");
  ctx = { user: data.user, supabase: owner.client as unknown as AuthContext["supabase"] };

  // 1M events over 30 days, every metric with the event_data the app writes, from every member.
  const users = [owner.id, ...members.map((m) => m.id)];
  const chunk = 250_000;
  for (let first = 0; first < ROWS; first += chunk) {
    const last = Math.min(ROWS, first + chunk) - 1;
    await db.unsafe(
      `
      insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
      select ($1::uuid[])[1 + g % ${users.length}], $2::uuid, t.event_type, t.quantity, t.event_data,
             $3::timestamptz + (g::float8 / ${ROWS}) * interval '${DAYS} days', 'bench-export:' || g
      from generate_series(${first}, ${last}) g
      cross join lateral (
        select case
          when g % 20 < 10 then 'api_call'
          when g % 20 < 13 then 'record_created'
          when g % 20 < 15 then 'ai_tokens_used'
          when g % 20 < 16 then 'automation_run'
          when g % 20 < 17 then 'schedule_executed'
          when g % 20 < 19 then 'storage_used'
          else 'user_active' end as event_type
      ) k
      cross join lateral (
        select k.event_type,
          case k.event_type
            when 'ai_tokens_used' then 200 + g % 3000
            when 'storage_used' then case when g % 7 = 0 then -(g % 50000) else 1000 + g % 500000 end
            else 1 end as quantity,
          case k.event_type
            when 'api_call' then jsonb_build_object('route', (array['/api/v1/records', '/api/v1/usage', '/api/v1/usage/events'])[1 + g % 3],
                                                    'method', 'GET', 'status', (array[200, 200, 200, 201, 404, 429])[1 + g % 6])
            when 'record_created' then jsonb_build_object('record_id', md5(g::text)::uuid)
            when 'ai_tokens_used' then jsonb_build_object('model', (array['gpt-4o-mini', 'gpt-4.1'])[1 + g % 2],
                                                          'prompt_tokens', 150 + g % 2500, 'completion_tokens', 50 + g % 500)
            when 'automation_run' then jsonb_build_object('automation_id', md5('a' || g % 40)::uuid, 'run_id', md5('r' || g)::uuid)
            when 'schedule_executed' then jsonb_build_object('schedule_id', md5('s' || g % 12)::uuid, 'run_id', md5('x' || g)::uuid)
            when 'storage_used' then jsonb_build_object('path', 'records/' || md5('f' || g) || '/report.pdf')
            else '{}'::jsonb end as event_data
      ) t`,
      [users, orgId, from],
    );
  }
  await db`vacuum analyze public.usage_events`;
}, 1_800_000);

async function leases(): Promise<number> {
  const [row] = await db<{ n: number }[]>`
    select count(*)::int as n from public.usage_export_leases where user_id = ${owner.id}`;
  return row?.n ?? 0;
}

interface ExportRun {
  rows: number;
  bytes: number;
  ms: number;
  firstByteMs: number;
  rowsPerSecond: number;
  peakRssGrowth: number;
  peakHeapGrowth: number;
}

/** One export through the route's handler, read to the end; RSS sampled on every chunk and every 10 ms. */
async function runExport(format: "csv" | "jsonl", source: "api" | "copy" = "copy"): Promise<ExportRun> {
  for (let i = 0; i < 100 && (await leases()) > 0; i++) await new Promise((r) => setTimeout(r, 50));
  collectGarbage();
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  const sample = () => {
    const memory = process.memoryUsage();
    peakRss = Math.max(peakRss, memory.rss);
    peakHeap = Math.max(peakHeap, memory.heapUsed);
  };
  const timer = setInterval(sample, 10);
  const started = performance.now();
  let firstByte = 0;
  let bytes = 0;
  let lines = 0;
  try {
    const response = await handleUsageExport(
      new Request(`http://localhost/api/usage/export?${query()}&format=${format}`),
      ctx,
      { reader: format === "csv" ? source : "api" },
    );
    if (response.status !== 200)
      throw new Error(`export answered ${response.status}: ${await response.text()}`);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (!firstByte) firstByte = performance.now() - started;
      bytes += value.byteLength;
      const buffer = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      for (let at = buffer.indexOf(10); at !== -1; at = buffer.indexOf(10, at + 1)) lines++;
      sample();
    }
  } finally {
    clearInterval(timer);
  }
  const ms = performance.now() - started;
  const rows = format === "csv" ? lines - 1 : lines;
  return {
    rows,
    bytes,
    ms,
    firstByteMs: firstByte,
    rowsPerSecond: rows / (ms / 1000),
    peakRssGrowth: peakRss - baseline.rss,
    peakHeapGrowth: peakHeap - baseline.heapUsed,
  };
}

/** The database side alone: every keyset page read and parsed, nothing encoded. */
async function readAllPages(): Promise<{ rows: number; ms: number; pageRows: Cell[][] }> {
  const admin = createAdminSupabaseClient();
  let after: EventCursor | null = null;
  let rows = 0;
  let firstPage: Cell[][] = [];
  const started = performance.now();
  for (;;) {
    const events = await readEventPage(admin, {
      scope: { orgId, userId: null },
      start: from,
      end: today,
      metrics: [
        "record_created",
        "api_call",
        "automation_run",
        "storage_used",
        "schedule_executed",
        "ai_tokens_used",
        "user_active",
      ],
      after,
      limit: EXPORT_PAGE_ROWS,
    });
    if (rows === 0) {
      firstPage = events.map((e) => [
        e.id,
        e.createdAt,
        e.receivedAt,
        e.orgId,
        e.orgName,
        e.userId,
        e.memberName,
        e.memberEmail,
        e.eventType,
        e.quantity,
        "calls",
        e.eventData,
      ]);
    }
    rows += events.length;
    const last = events.at(-1);
    if (!last || events.length < EXPORT_PAGE_ROWS) break;
    after = { at: last.createdAt, id: last.id, orgId: last.orgId };
  }
  return { rows, ms: performance.now() - started, pageRows: firstPage };
}

/** Rows per second of encoding one page, the best of several tries. */
function encodeRate(encode: () => string, rows: number): number {
  let best = Infinity;
  for (let i = 0; i < 12; i++) {
    const started = performance.now();
    encode();
    best = Math.min(best, performance.now() - started);
  }
  return rows / (best / 1000);
}

it("exports 1M raw events as CSV at >= 100k rows/s with flat memory; JSON Lines alongside", async () => {
  const runs: Record<"csv" | "csvApi" | "jsonl", ExportRun[]> = { csv: [], csvApi: [], jsonl: [] };
  // Interleaved, so every way sees the same machine load.
  for (let i = 0; i < RUNS; i++) {
    runs.csv.push(await runExport("csv", "copy"));
    runs.csvApi.push(await runExport("csv", "api"));
    runs.jsonl.push(await runExport("jsonl"));
  }
  const database = await readAllPages();
  const columns = exportColumns("raw", []);
  const page = database.pageRows;
  const csvEncode = encodeRate(() => csvChunk(page), page.length);
  const jsonlEncode = encodeRate(() => jsonlChunk(columns, page, RAW_JSON_COLUMNS), page.length);

  const rows: BenchRow[] = [];
  const best = (list: ExportRun[]) => list.reduce((a, b) => (b.rowsPerSecond > a.rowsPerSecond ? b : a));
  const worstRss = (list: ExportRun[]) => Math.max(...list.map((r) => r.peakRssGrowth));
  const describe = (list: ExportRun[]) =>
    list.map((r) => ({
      rows: r.rows,
      ms: round(r.ms),
      rows_per_s: round(r.rowsPerSecond, 0),
      mb: round(r.bytes / MB, 1),
      first_byte_ms: round(r.firstByteMs),
      peak_rss_growth_mb: round(r.peakRssGrowth / MB, 1),
      peak_heap_growth_mb: round(r.peakHeapGrowth / MB, 1),
    }));
  for (const format of ["csv", "csvApi", "jsonl"] as const) {
    const list = runs[format];
    const top = best(list);
    const complete = list.every((r) => r.rows === ROWS);
    const label = {
      csv: "CSV export (COPY over SUPABASE_DB_URL)",
      csvApi: "CSV export (JSON pages through the API, without SUPABASE_DB_URL)",
      jsonl: "JSON Lines export (JSON pages through the API)",
    }[format];
    rows.push({
      what: `${label} of ${fmt(ROWS, 0)} raw events, best of ${list.length} (${fmt(top.bytes / MB, 0)} MB)`,
      measured: `${fmt(top.rowsPerSecond, 0)} rows/s (${list.map((r) => fmt(r.rowsPerSecond, 0)).join(", ")})`,
      budget: format === "csv" ? ">= 100,000 rows/s" : "(reference)",
      met: (format === "csv" ? top.rowsPerSecond >= 100_000 : true) && complete,
      raw: {
        rows_per_s: round(top.rowsPerSecond, 0),
        ms: round(top.ms),
        bytes: top.bytes,
        first_byte_ms: round(top.firstByteMs),
        complete,
        runs: describe(list),
      },
    });
    rows.push({
      what: `${label}, peak RSS growth (worst run)`,
      measured: `${fmt(worstRss(list) / MB, 1)} MB`,
      budget: format === "csv" ? "< 100 MB" : "(reference)",
      met: format === "csv" ? worstRss(list) < 100 * MB : true,
      raw: {
        peak_rss_growth_mb: round(worstRss(list) / MB, 1),
        peak_heap_growth_mb: round(Math.max(...list.map((r) => r.peakHeapGrowth)) / MB, 1),
      },
    });
  }
  const dbRate = database.rows / (database.ms / 1000);
  rows.push({
    what: `  the database read alone (keyset pages of ${fmt(EXPORT_PAGE_ROWS, 0)}, parsed)`,
    measured: `${fmt(dbRate, 0)} rows/s`,
    budget: "(breakdown)",
    met: database.rows === ROWS,
    raw: { rows_per_s: round(dbRate, 0), rows: database.rows, ms: round(database.ms) },
  });
  rows.push({
    what: `  encoding alone, one page of ${fmt(page.length, 0)} rows: CSV / JSON Lines`,
    measured: `${fmt(csvEncode, 0)} / ${fmt(jsonlEncode, 0)} rows/s`,
    budget: "(breakdown)",
    met: true,
    raw: { csv_rows_per_s: round(csvEncode, 0), jsonl_rows_per_s: round(jsonlEncode, 0) },
  });
  printReport("Usage export (server side, in-process)", rows, {
    rows: ROWS,
    members: MEMBERS,
    days: DAYS,
    runs: RUNS,
    page_rows: EXPORT_PAGE_ROWS,
  });
});
