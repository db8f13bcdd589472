// The platform console's data and action against the real stack: reconciliation reports each
// difference planted on purpose, ingestion is counted where it happens, and nothing of it reaches
// a non-admin: not through PostgREST with their token, not by calling the server action directly.
import { randomUUID } from "node:crypto";

import { createServerClient } from "@supabase/ssr";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { runAggregationAction } from "@/app/[locale]/(console)/console/analytics/actions";
import { POST as ingestPost } from "@/app/api/v1/usage/events/route";
import { createApiKey } from "@/lib/api-keys/mutations";
import { loadConsole, loadConsoleOrg } from "@/lib/console/queries";
import { idleFormState } from "@/lib/forms";
import { createRecord } from "@/lib/records/mutations";

import {
  anonClient,
  createOrg,
  createTestUser,
  serviceClient,
  sql,
  stack,
  uploadFileAs,
  type TestUser,
} from "../support/supabase";

// The request's cookies, as next/headers hands them to the app's server code. The session in
// them is a real one: @supabase/ssr signs in against the stack and writes it here.
const jar = vi.hoisted(() => new Map<string, string>());
vi.mock("next/headers", () => ({
  cookies: async () => ({
    getAll: () => [...jar].map(([name, value]) => ({ name, value })),
    get: (name: string) => (jar.has(name) ? { name, value: jar.get(name) } : undefined),
    set: (name: string, value: string) => void jar.set(name, value),
  }),
  headers: async () => new Headers(),
}));

/** Signs `user` in the way the browser's session cookies would carry them (or signs out: null). */
async function actAs(user: TestUser | null) {
  jar.clear();
  if (!user) return;
  const client = createServerClient(stack().url, stack().anonKey, {
    cookies: {
      getAll: () => [...jar].map(([name, value]) => ({ name, value })),
      setAll: (cookies) => cookies.forEach(({ name, value }) => jar.set(name, value)),
    },
  });
  const { error } = await client.auth.signInWithPassword({ email: user.email, password: user.password });
  if (error) throw error;
  expect(jar.size).toBeGreaterThan(0);
}

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}

const db = sql();
afterAll(() => db.end());

describe("the platform console", () => {
  let owner: TestUser, member: TestUser, admin: TestUser;
  let orgId: string;

  beforeAll(async () => {
    [owner, member, admin] = await Promise.all([createTestUser(), createTestUser(), createTestUser()]);
    orgId = await createOrg(owner, [[member, "member"]]);
    const { error } = await serviceClient().auth.admin.updateUserById(admin.id, {
      app_metadata: { platform_admin: true },
    });
    if (error) throw error;
  });

  /** Runs of exactly today, daily: only the console's action logs those (the cron rolls past days). */
  async function runsLogged(): Promise<number> {
    const [row] = await db<{ n: number }[]>`
      select count(*)::int as n from public.usage_aggregation_runs
      where period_type = 'daily'
        and period_start = date_trunc('day', now() at time zone 'utc') at time zone 'utc'
        and period_end = date_trunc('day', now() at time zone 'utc') at time zone 'utc' + interval '1 day'`;
    return row?.n ?? 0;
  }

  describe("reconciliation", () => {
    async function differences() {
      const data = await loadConsole("30d");
      return data.reconciliation.differences.filter((row) => row.id === orgId);
    }

    it("agrees while everything is metered, and reports each planted difference with its numbers", async () => {
      const record = await createRecord(owner.client, {
        orgId,
        userId: owner.id,
        input: { title: "Reconciled", body: "", tags: [] },
      });
      const file = await uploadFileAs(owner, {
        orgId,
        recordId: record.id,
        file: new File([new Uint8Array(1500)], "held.bin"),
      });
      expect(file.size_bytes).toBe(1500);
      expect(await differences()).toEqual([]);

      // A record whose event went missing: one record more than was metered.
      await db`delete from public.usage_events where idempotency_key = ${`record_created:${record.id}`}`;
      // A scheduled run written straight into the run table, past the metering.
      const [automation] = await db<{ id: string }[]>`
        insert into public.automations (org_id, created_by, name, action, params)
        values (${orgId}, ${owner.id}, 'planted', 'tag', ${db.json({ tag: "x" })})
        returning id`;
      await db`insert into public.automation_runs (automation_id, org_id, trigger, status, started_at, finished_at, duration_ms)
               values (${automation!.id}, ${orgId}, 'schedule', 'succeeded', now(), now(), 1)`;
      // Bytes held in Storage that the gauge lost track of.
      await db`insert into public.usage_events (org_id, user_id, event_type, quantity, created_at, idempotency_key)
               values (${orgId}, ${owner.id}, 'storage_used', -1000, now(), ${`planted:${randomUUID()}`})`;

      const found = await differences();
      const month = new Date().toISOString().slice(0, 7);
      const byCheck = Object.fromEntries(found.map((row) => [row.check, row]));
      expect(byCheck.record_created).toMatchObject({
        expected: 1,
        actual: 0,
        difference: 1,
        name: expect.any(String),
      });
      expect(byCheck.automation_run).toMatchObject({ expected: 1, actual: 0, difference: 1 });
      expect(byCheck.schedule_executed).toMatchObject({ expected: 1, actual: 0, difference: 1 });
      expect(byCheck.storage_used).toMatchObject({ expected: 1500, actual: 500, difference: 1000 });
      for (const row of found) expect(row.month.slice(0, 7)).toBe(month);
      expect(found).toHaveLength(4);
    });
  });

  describe("what only admins may reach", () => {
    it("refuses the console's functions and tables to a member's token and to anon, straight to PostgREST", async () => {
      for (const client of [member.client, anonClient()]) {
        const since = new Date(Date.now() - 86_400_000 * 60).toISOString();
        const calls = [
          client.rpc("console_reconciliation", { p_since: since }),
          client.rpc("console_platform_counts", { p_start: since, p_end: new Date().toISOString() }),
          client.rpc("console_usage_spikes", { p_day: since.slice(0, 10) }),
          client.rpc("record_ingestion_rejections", { p_rejected: 1, p_reasons: { planted: 1 } }),
        ];
        for (const result of await Promise.all(calls)) {
          expect(result.data).toBeNull();
          expect(result.error?.code).toBe("42501");
        }
        const reads = [
          client.from("usage_ingestion_log").select("*"),
          client.from("usage_aggregation_runs").select("*"),
          client.from("usage_aggregation_runs").select("error"),
          client.from("usage_aggregation_runs").select("rows_upserted"),
        ];
        for (const { data, error } of await Promise.all(reads)) {
          expect(data).toBeNull();
          expect(error?.code).toBe("42501");
        }
      }
    });

    it("answers a non-admin calling the run-aggregation action directly with not-found, and runs nothing", async () => {
      const today = new Date().toISOString().slice(0, 10);
      const input = form({ periodType: "daily", from: today, to: today });
      const before = await runsLogged();

      await actAs(member);
      expect(await runAggregationAction(idleFormState, input)).toEqual({
        status: "error",
        message: "Not found.",
      });
      // Bad input from a non-admin says nothing about the action's fields either.
      expect(await runAggregationAction(idleFormState, form({ nonsense: "1" }))).toEqual({
        status: "error",
        message: "Not found.",
      });
      await actAs(owner);
      expect(await runAggregationAction(idleFormState, input)).toEqual({
        status: "error",
        message: "Not found.",
      });
      // Signed out: sent to sign-in (Next's redirect), never run.
      await actAs(null);
      await expect(runAggregationAction(idleFormState, input)).rejects.toThrow(/NEXT_REDIRECT/);
      expect(await runsLogged()).toBe(before);

      // The same call from a platform admin runs and is logged like the cron's.
      await actAs(admin);
      const result = await runAggregationAction(idleFormState, input);
      expect(result).toMatchObject({ status: "success", message: expect.stringMatching(/^Rolled up daily/) });
      expect(await runsLogged()).toBe(before + 1);
      expect(
        await runAggregationAction(idleFormState, form({ periodType: "hourly", from: today, to: today })),
      ).toMatchObject({ status: "error", fieldErrors: { periodType: "Choose daily or monthly." } });
      jar.clear();
    });
  });

  describe("ingestion health", () => {
    it("counts what the ingestion API stored, skipped and refused, with the reasons, in this hour's log", async () => {
      const { secret } = await createApiKey(owner.client, { orgId, userId: owner.id, name: "console" });
      const hour = async () => {
        const data = await loadConsole("7d");
        const rows = data.health.ingestion.filter((row) => row.source === "api");
        return {
          offered: rows.reduce((sum, row) => sum + row.offered, 0),
          stored: rows.reduce((sum, row) => sum + row.stored, 0),
          duplicates: rows.reduce((sum, row) => sum + row.duplicates, 0),
          rejected: rows.reduce((sum, row) => sum + row.rejected, 0),
          reasons: data.health.rejections,
        };
      };
      const before = await hour();
      const key = `console:${randomUUID()}`;
      const event = {
        event_type: "ai_tokens_used",
        idempotency_key: key,
        quantity: 30,
        event_data: { model: "m", prompt_tokens: 20, completion_tokens: 10 },
      };
      const res = await ingestPost(
        new Request("http://localhost/api/v1/usage/events", {
          method: "POST",
          headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
          body: JSON.stringify({ events: [event, event, { event_type: "teleport", idempotency_key: "t" }] }),
        }),
        { params: Promise.resolve({}) },
      );
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ accepted: 1, duplicates: 1, rejected: 1 });

      // Other test files may ingest in the same hour: at least this request's counts were added.
      const after = await hour();
      expect(after.offered - before.offered).toBeGreaterThanOrEqual(3);
      expect(after.stored - before.stored).toBeGreaterThanOrEqual(1);
      expect(after.duplicates - before.duplicates).toBeGreaterThanOrEqual(1);
      expect(after.rejected - before.rejected).toBeGreaterThanOrEqual(1);
      // Other files' refusals (NUL bytes, bad shapes) may grow in the same hour too.
      const grown = Object.keys(after.reasons).filter(
        (r) => (after.reasons[r] ?? 0) > (before.reasons[r] ?? 0),
      );
      expect(grown).toContainEqual(expect.stringMatching(/event_type/));
    });
  });

  it("shows one organization with its plan, members and the owners' dashboard", async () => {
    const org = await loadConsoleOrg(orgId, "billing");
    expect(org).not.toBeNull();
    expect(org!.members.map((m) => m.userId).sort()).toEqual([owner.id, member.id].sort());
    expect(org!.dashboard.scope).toEqual({ kind: "org", orgId, userId: null });
    expect(org!.dashboard.members).not.toBeNull();
    expect(await loadConsoleOrg(randomUUID(), "billing")).toBeNull();
  });
});
