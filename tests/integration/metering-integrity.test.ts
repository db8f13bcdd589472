// The meter as a hostile tenant meets it: a user's own token sent straight to PostgREST, another
// organization's ids, columns a client should never change, usage a tenant should never be able to
// erase, and concurrency at a limit. Every gated write is checked and counted in one transaction,
// so 50 concurrent requests at limit-5 admit exactly 5.
import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { GET as recordsGet, POST as recordsPost } from "@/app/api/v1/records/route";
import { POST as ingestPost } from "@/app/api/v1/usage/events/route";
import { createApiKey, revokeApiKey } from "@/lib/api-keys/mutations";
import { createAutomation, runAutomation } from "@/lib/automations/mutations";
import { createRecord } from "@/lib/records/mutations";

import {
  anonClient,
  createOrg,
  createTestUser,
  serviceClient,
  sql,
  stack,
  type TestUser,
} from "../support/supabase";

const noParams = { params: Promise.resolve({}) };
const FREE_RECORDS = 500;
const FREE_API_CALLS = 1000;
const FREE_RUNS = 100;

describe("metering integrity", () => {
  const db = sql();
  const admin = serviceClient();
  afterAll(() => db.end());

  /** Usage already spent this billing period, written as one event. */
  async function spend(user: TestUser, orgId: string, eventType: string, quantity: number) {
    await db`insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
             values (${user.id}, ${orgId}, ${eventType}, ${quantity}, '{}', now(), ${`spent:${randomUUID()}`})`;
  }

  async function count(query: Promise<{ n: number }[]>) {
    return (await query)[0]?.n ?? 0;
  }

  describe("ownership cannot be changed by clients", () => {
    let owner: TestUser, member: TestUser, colleague: TestUser;
    let orgId: string, otherOrgId: string;

    beforeAll(async () => {
      [owner, member, colleague] = await Promise.all([createTestUser(), createTestUser(), createTestUser()]);
      orgId = await createOrg(owner, [
        [member, "member"],
        [colleague, "member"],
      ]);
      otherOrgId = await createOrg(member); // member belongs to both
    });

    it("refuses moving a record to another organization the user also belongs to", async () => {
      const record = await createRecord(member.client, {
        orgId,
        userId: member.id,
        input: { title: "Stays", body: "", tags: [] },
      });
      const moved = await member.client
        .from("records")
        .update({ org_id: otherOrgId })
        .eq("id", record.id)
        .select("id");
      expect(moved.error?.code).toBe("42501");
      expect(await db`select org_id from public.records where id = ${record.id}`).toEqual([
        { org_id: orgId },
      ]);
    });

    it("refuses taking over a teammate's record to delete it", async () => {
      const theirs = await createRecord(colleague.client, {
        orgId,
        userId: colleague.id,
        input: { title: "Theirs", body: "", tags: [] },
      });
      const takeover = await member.client
        .from("records")
        .update({ created_by: member.id })
        .eq("id", theirs.id)
        .select("id");
      expect(takeover.error?.code).toBe("42501");
      const deleted = await member.client.from("records").delete().eq("id", theirs.id).select("id");
      expect(deleted.data ?? []).toEqual([]);
      expect(await db`select created_by from public.records where id = ${theirs.id}`).toEqual([
        { created_by: colleague.id },
      ]);
    });

    it("never grants clients UPDATE on a tenant or owner column of any table", async () => {
      const writable = await db`
        select table_name || '.' || column_name as col
        from information_schema.columns c
        where c.table_schema = 'public'
          and c.column_name in ('org_id', 'created_by', 'user_id', 'uploaded_by', 'triggered_by', 'changed_by', 'key_hash', 'id')
          and (has_column_privilege('authenticated', format('public.%I', c.table_name), c.column_name, 'UPDATE')
               or has_column_privilege('anon', format('public.%I', c.table_name), c.column_name, 'UPDATE'))
        order by 1`;
      expect(writable.map((r) => r.col)).toEqual([]);
    });

    it("keeps a revoked key revoked and key hashes unreadable", async () => {
      const key = await createApiKey(owner.client, { orgId, userId: owner.id, name: "to revoke" });
      await revokeApiKey(owner.client, orgId, key.id);
      const revived = await owner.client
        .from("api_keys")
        .update({ revoked_at: null })
        .eq("id", key.id)
        .select("id");
      expect(revived.error?.code).toBe("42501");
      const [row] = await db`select revoked_at from public.api_keys where id = ${key.id}`;
      expect(row?.revoked_at).not.toBeNull();

      const hashes = await owner.client.from("api_keys").select("key_hash").eq("id", key.id);
      expect(hashes.error?.code).toBe("42501");
      const everything = await owner.client.from("api_keys").select("*").eq("id", key.id);
      expect(everything.error?.code).toBe("42501");

      const res = await recordsGet(
        new Request("http://localhost/api/v1/records", {
          headers: { authorization: `Bearer ${key.secret}` },
        }),
        noParams,
      );
      expect(res.status).toBe(401);
    });

    it("refuses choosing a record's id or backdating it, which would dodge its key or its period", async () => {
      const id = randomUUID();
      const chosen = await member.client
        .from("records")
        .insert({ id, org_id: orgId, created_by: member.id, title: "x" });
      expect(chosen.error?.code).toBe("42501");
      const backdated = await member.client
        .from("records")
        .insert({ org_id: orgId, created_by: member.id, title: "x", created_at: "2020-01-01T00:00:00Z" });
      expect(backdated.error?.code).toBe("42501");
    });

    it("reveals nothing about another organization's usage to an outsider's insert", async () => {
      const outsider = await createTestUser();
      await spend(owner, orgId, "record_created", FREE_RECORDS);
      const res = await outsider.client
        .from("records")
        .insert({ org_id: orgId, created_by: outsider.id, title: "probe" })
        .select("id");
      expect(res.error?.code).toBe("42501");
      expect(JSON.stringify(res.error)).not.toMatch(/Limit|used/);
    });
  });

  describe("whatever is metered is metered, whichever way it is done", () => {
    let owner: TestUser;
    let orgId: string;

    beforeAll(async () => {
      owner = await createTestUser();
      orgId = await createOrg(owner);
    });

    it("meters a record inserted straight through PostgREST with the user's token", async () => {
      const { data, error } = await owner.client
        .from("records")
        .insert({ org_id: orgId, created_by: owner.id, title: "direct" })
        .select("id")
        .single();
      expect(error).toBeNull();
      const events = await db`select user_id, quantity::int as quantity, event_data from public.usage_events
                              where idempotency_key = ${`record_created:${data?.id}`}`;
      expect(events).toEqual([
        { user_id: owner.id, quantity: 1, event_data: { record_id: data?.id, source: "direct" } },
      ]);
    });

    it("refuses a direct insert past the limit with a 402, exactly as the app would", async () => {
      const user = await createTestUser();
      const org = await createOrg(user);
      await spend(user, org, "record_created", FREE_RECORDS);
      const res = await fetch(`${stack().url}/rest/v1/records`, {
        method: "POST",
        headers: {
          apikey: stack().anonKey,
          authorization: `Bearer ${(await user.client.auth.getSession()).data.session?.access_token}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ org_id: org, created_by: user.id, title: "over" }),
      });
      expect(res.status).toBe(402);
      expect(await res.json()).toMatchObject({
        code: "PT402",
        message: expect.stringMatching(/^Limit reached for Records created/),
      });
      expect(await count(db`select count(*)::int as n from public.records where org_id = ${org}`)).toBe(0);
    });

    it("accepts only external metrics on the ingestion API: no tenant erases or inflates internal usage", async () => {
      const key = await createApiKey(owner.client, { orgId, userId: owner.id, name: "ingest" });
      const res = await ingestPost(
        new Request("http://localhost/api/v1/usage/events", {
          method: "POST",
          headers: { authorization: `Bearer ${key.secret}`, "content-type": "application/json" },
          body: JSON.stringify({
            events: [
              { event_type: "storage_used", quantity: -1e12, idempotency_key: "erase" },
              { event_type: "record_created", quantity: 1, idempotency_key: "fake" },
              { event_type: "user_active", idempotency_key: "ghost" },
              { event_type: "ai_tokens_used", quantity: -5, idempotency_key: "negative" },
              {
                event_type: "ai_tokens_used",
                quantity: 42,
                idempotency_key: "real",
                event_data: { model: "m", prompt_tokens: 40, completion_tokens: 2 },
              },
            ],
          }),
        }),
        noParams,
      );
      expect(res.status).toBe(200);
      const body = (await res.json()) as { results: { status: string; reason?: string }[] };
      expect(body.results.map((r) => r.status)).toEqual([
        "rejected",
        "rejected",
        "rejected",
        "rejected",
        "accepted",
      ]);
      expect(body.results[0]?.reason).toMatch(/storage_used is recorded by the app itself/);
      expect(body.results[3]?.reason).toMatch(/negative/);
      const stored = await db`select event_type, quantity::float8 as quantity from public.usage_events
                              where org_id = ${orgId} and idempotency_key like 'ext:%'`;
      expect(stored).toEqual([{ event_type: "ai_tokens_used", quantity: 42 }]);
    });
  });

  describe("hard limits hold under concurrency", () => {
    it("admits exactly up to the record limit: 50 concurrent API requests at limit-5", async () => {
      const owner = await createTestUser();
      const orgId = await createOrg(owner);
      // Unlimited API calls, so the calls are admitted in parallel and race at the record limit.
      await db`insert into public.plans (id, name, price_cents, sort_order, limits)
               values ('test-records-only', 'Records only', 0, 99, ${db.json({
                 max_records_per_month: FREE_RECORDS,
                 max_api_calls_per_month: null,
                 max_automation_runs_per_month: null,
                 max_storage_gb: null,
                 max_schedule_runs_per_month: null,
                 max_ai_tokens_per_month: null,
                 max_active_users: null,
               })})
               on conflict (id) do nothing`;
      await admin.rpc("change_org_plan", {
        p_org_id: orgId,
        p_plan_id: "test-records-only",
        p_actor: owner.id,
      });
      const key = await createApiKey(owner.client, { orgId, userId: owner.id, name: "burst" });
      await spend(owner, orgId, "record_created", FREE_RECORDS - 5);
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          recordsPost(
            new Request("http://localhost/api/v1/records", {
              method: "POST",
              headers: { authorization: `Bearer ${key.secret}`, "content-type": "application/json" },
              body: JSON.stringify({ title: `burst ${i}` }),
            }),
            noParams,
          ),
        ),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(5);
      expect(statuses.filter((s) => s === 402)).toHaveLength(45);
      expect(await count(db`select count(*)::int as n from public.records where org_id = ${orgId}`)).toBe(5);
      const used = await admin.rpc("check_usage_limit", { p_org_id: orgId, p_metric: "record_created" });
      expect(used.data).toMatchObject({ used: FREE_RECORDS, limit: FREE_RECORDS, exceeded: true });
      // The plan is this test's own: other tests list the product's plans.
      await db`delete from public.organizations where id = ${orgId}`;
      await db`delete from public.plans where id = 'test-records-only'`;
    });

    it("admits exactly up to the record limit: 50 concurrent inserts with users' tokens (app or direct)", async () => {
      const owner = await createTestUser();
      const others = await Promise.all(Array.from({ length: 4 }, () => createTestUser()));
      const orgId = await createOrg(
        owner,
        others.map((u) => [u, "member"] as [TestUser, "member"]),
      );
      const writers = [owner, ...others];
      await spend(owner, orgId, "record_created", FREE_RECORDS - 5);
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) => {
          const user = writers[i % writers.length] as TestUser;
          return i % 2 === 0
            ? createRecord(user.client, {
                orgId,
                userId: user.id,
                input: { title: `app ${i}`, body: "", tags: [] },
              })
            : user.client
                .from("records")
                .insert({ org_id: orgId, created_by: user.id, title: `direct ${i}` })
                .then(({ error }) => {
                  if (error) throw error;
                });
        }),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(5);
      for (const r of results) {
        if (r.status === "rejected")
          expect(r.reason).toMatchObject({ code: expect.stringMatching(/^(payment_required|PT402)$/) });
      }
      expect(await count(db`select count(*)::int as n from public.records where org_id = ${orgId}`)).toBe(5);
      expect(
        await count(
          db`select count(*)::int as n from public.usage_events where org_id = ${orgId} and event_type = 'record_created' and idempotency_key like 'record_created:%'`,
        ),
      ).toBe(5);
    });

    it("admits exactly up to the API-call limit, and counts only admitted calls", async () => {
      const owner = await createTestUser();
      const orgId = await createOrg(owner);
      const key = await createApiKey(owner.client, { orgId, userId: owner.id, name: "calls" });
      await spend(owner, orgId, "api_call", FREE_API_CALLS - 5);
      const responses = await Promise.all(
        Array.from({ length: 50 }, () =>
          recordsGet(
            new Request("http://localhost/api/v1/records", {
              headers: { authorization: `Bearer ${key.secret}` },
            }),
            noParams,
          ),
        ),
      );
      expect(responses.filter((r) => r.status === 200)).toHaveLength(5);
      expect(responses.filter((r) => r.status === 402)).toHaveLength(45);
      const used = await admin.rpc("check_usage_limit", { p_org_id: orgId, p_metric: "api_call" });
      expect(used.data).toMatchObject({ used: FREE_API_CALLS });
    });

    it("admits exactly up to the automation-run limit", async () => {
      const owner = await createTestUser();
      const orgId = await createOrg(owner);
      const automation = await createAutomation(owner.client, {
        orgId,
        userId: owner.id,
        name: "race",
        action: "archive",
        filter: { tag: "none" },
        params: {},
      });
      await spend(owner, orgId, "automation_run", FREE_RUNS - 3);
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () =>
          runAutomation(admin, { orgId, automationId: automation.id, trigger: "manual", actor: owner.id }),
        ),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
      expect(
        await count(db`select count(*)::int as n from public.automation_runs where org_id = ${orgId}`),
      ).toBe(3);
    });

    it("does not make an unlimited plan wait on a lock", async () => {
      const owner = await createTestUser();
      const orgId = await createOrg(owner);
      await admin.rpc("change_org_plan", { p_org_id: orgId, p_plan_id: "enterprise", p_actor: owner.id });
      const created = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          createRecord(owner.client, {
            orgId,
            userId: owner.id,
            input: { title: `e${i}`, body: "", tags: [] },
          }),
        ),
      );
      expect(created).toHaveLength(20);
      const anon = await anonClient().from("records").insert({ org_id: orgId, title: "anon" });
      expect(anon.error).not.toBeNull();
    });
  });
});
