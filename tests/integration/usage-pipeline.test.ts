// The usage pipeline end to end: every instrumented action yields exactly one event with the
// right fields, replays are counted once, logging survives a broken sink, nobody but the
// service role writes events, and the ingestion API answers junk with 4xx.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { POST as recordsPost } from "@/app/api/v1/records/route";
import { POST as ingestPost } from "@/app/api/v1/usage/events/route";
import { summarizeRecord } from "@/lib/ai/mutations";
import { createApiKey, revokeApiKey } from "@/lib/api-keys/mutations";
import { createAutomation, createSchedule, runAutomation } from "@/lib/automations/mutations";
import { runDueSchedules } from "@/lib/automations/scheduler";
import { deleteRecordFile } from "@/lib/files/mutations";
import { createRecord } from "@/lib/records/mutations";
import { flushUsage, logUsage, logUserActive, usageQueueStats } from "@/lib/usage/logging";
import { getUsageSummary } from "@/lib/usage/queries";

import { startFakeOpenAi, type FakeOpenAi } from "../support/fake-openai";
import {
  anonClient,
  createOrg,
  createTestUser,
  serviceClient,
  sql,
  type TestUser,
  uploadFileAs,
} from "../support/supabase";

const noParams = { params: Promise.resolve({}) };

describe("usage pipeline", () => {
  const db = sql();
  const admin = serviceClient();
  let owner: TestUser, member: TestUser, outsider: TestUser;
  let orgId: string;
  let ai: FakeOpenAi;

  async function eventsWhere(key: string) {
    await flushUsage();
    return db`select user_id, org_id, event_type, quantity::float8 as quantity, event_data, idempotency_key
              from public.usage_events where idempotency_key = ${key}`;
  }

  async function orgEvents(type: string) {
    await flushUsage();
    return db`select user_id, quantity::float8 as quantity, event_data, idempotency_key
              from public.usage_events where org_id = ${orgId} and event_type = ${type} order by received_at`;
  }

  beforeAll(async () => {
    ai = await startFakeOpenAi();
    [owner, member, outsider] = await Promise.all([createTestUser(), createTestUser(), createTestUser()]);
    orgId = await createOrg(owner, [[member, "member"]]);
  });
  afterAll(async () => {
    await ai.close();
    await db.end();
  });

  describe("each action yields exactly one event", () => {
    it("record_created, once even when the insert is replayed", async () => {
      const record = await createRecord(member.client, {
        orgId,
        userId: member.id,
        input: { title: "Metered", body: "", tags: [] },
      });
      const key = `record_created:${record.id}`;
      // A replay of the same action (same record id) is the same event.
      logUsage({
        eventType: "record_created",
        userId: member.id,
        orgId,
        eventData: { record_id: record.id },
        idempotencyKey: key,
      });
      const rows = await eventsWhere(key);
      expect(rows).toEqual([
        {
          user_id: member.id,
          org_id: orgId,
          event_type: "record_created",
          quantity: 1,
          event_data: { record_id: record.id, source: "app" },
          idempotency_key: key,
        },
      ]);
    });

    it("automation_run and schedule_executed", async () => {
      const automation = await createAutomation(owner.client, {
        orgId,
        userId: owner.id,
        name: "m",
        action: "archive",
        filter: { tag: "none" },
        params: {},
      });
      const run = await runAutomation(admin, {
        orgId,
        automationId: automation.id,
        trigger: "manual",
        actor: member.id,
      });
      expect(await eventsWhere(`automation_run:${run.id}`)).toMatchObject([
        {
          user_id: member.id,
          org_id: orgId,
          quantity: 1,
          event_data: { automation_id: automation.id, run_id: run.id, trigger: "manual" },
        },
      ]);

      const schedule = await createSchedule(owner.client, {
        orgId,
        userId: owner.id,
        automationId: automation.id,
        cron: "0 3 * * *",
      });
      await db`update public.schedules set next_run_at = now() - interval '1 second' where id = ${schedule.id}`;
      const results = await runDueSchedules(admin);
      const ran = results.find((r) => r.scheduleId === schedule.id);
      expect(ran?.outcome).toBe("ran");
      expect(await eventsWhere(`schedule_executed:${ran?.runId}`)).toMatchObject([
        {
          user_id: owner.id,
          org_id: orgId,
          quantity: 1,
          event_data: { schedule_id: schedule.id, run_id: ran?.runId },
        },
      ]);
      expect(await eventsWhere(`automation_run:${ran?.runId}`)).toHaveLength(1);
    });

    it("storage_used: +bytes on upload, -bytes on delete, keyed by the storage object", async () => {
      const record = await createRecord(owner.client, {
        orgId,
        userId: owner.id,
        input: { title: "f", body: "", tags: [] },
      });
      const file = await uploadFileAs(member, {
        orgId,
        recordId: record.id,
        file: new File(["x".repeat(1234)], "a.bin", { type: "application/octet-stream" }),
      });
      const [object] = await db`select id from storage.objects where name = ${file.storage_path}`;
      await deleteRecordFile(owner.client, { orgId, fileId: file.id });
      expect(await eventsWhere(`storage_used:upload:${object?.id}`)).toMatchObject([
        { user_id: member.id, quantity: 1234, event_data: { file_id: file.id, operation: "upload" } },
      ]);
      expect(await eventsWhere(`storage_used:delete:${object?.id}`)).toMatchObject([
        { user_id: owner.id, quantity: -1234, event_data: { file_id: file.id, operation: "delete" } },
      ]);
    });

    it("ai_tokens_used from the provider's reported usage, split and named", async () => {
      process.env.AI_BASE_URL = ai.baseUrl;
      process.env.AI_API_KEY = "k";
      process.env.AI_MODEL = "meter-model";
      try {
        const record = await createRecord(owner.client, {
          orgId,
          userId: owner.id,
          input: { title: "AI", body: "one two three", tags: [] },
        });
        const result = await summarizeRecord({ orgId, userId: owner.id, record });
        expect(await eventsWhere(`ai_tokens_used:${result.id}`)).toMatchObject([
          {
            user_id: owner.id,
            quantity: result.total_tokens,
            event_data: {
              model: "meter-model",
              prompt_tokens: result.prompt_tokens,
              completion_tokens: result.completion_tokens,
              request_id: result.id,
            },
          },
        ]);
      } finally {
        delete process.env.AI_BASE_URL;
      }
    });

    it("api_call for every admitted /api/v1 request, with its status; unknown and revoked keys are not counted", async () => {
      const key = await createApiKey(owner.client, { orgId, userId: owner.id, name: "metered" });
      const call = (body: string, secret = key.secret) =>
        recordsPost(
          new Request("http://localhost/api/v1/records", {
            method: "POST",
            headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
            body,
          }),
          noParams,
        );
      expect((await call(JSON.stringify({ title: "ok" }))).status).toBe(201);
      expect((await call("{bad")).status).toBe(400);
      await revokeApiKey(owner.client, orgId, key.id);
      expect((await call(JSON.stringify({ title: "late" }))).status).toBe(401);

      const calls = (await orgEvents("api_call")).filter(
        (e) => (e.event_data as { key_id: string }).key_id === key.id,
      );
      expect(calls.map((e) => (e.event_data as { status: number }).status)).toEqual([201, 400]);
      expect(
        calls.every(
          (e) => e.user_id === owner.id && (e.event_data as { route: string }).route === "/api/v1/records",
        ),
      ).toBe(true);
      const viaApi = (await orgEvents("record_created")).filter(
        (e) => (e.event_data as { source?: string }).source === "api",
      );
      expect(viaApi).toHaveLength(1);
    });

    it("user_active once per user, organization and UTC day", async () => {
      const day = new Date("2026-01-15T08:00:00Z");
      const otherOrg = await createOrg(outsider);
      logUserActive(outsider.id, otherOrg, day);
      logUserActive(outsider.id, otherOrg, new Date("2026-01-15T23:59:59Z"));
      logUsage({
        eventType: "user_active",
        userId: outsider.id,
        orgId: otherOrg,
        createdAt: day,
        idempotencyKey: `user_active:${outsider.id}:${otherOrg}:2026-01-15`,
      });
      logUserActive(outsider.id, otherOrg, new Date("2026-01-16T00:00:00Z"));
      await flushUsage();
      const rows = await db`select idempotency_key from public.usage_events
                            where user_id = ${outsider.id} and event_type = 'user_active' order by created_at`;
      expect(rows.map((r) => r.idempotency_key)).toEqual([
        `user_active:${outsider.id}:${otherOrg}:2026-01-15`,
        `user_active:${outsider.id}:${otherOrg}:2026-01-16`,
      ]);
    });

    it("counts a member active in two organizations on one day in both, and once across them", async () => {
      const [a, b] = await Promise.all([createTestUser(), createTestUser()]);
      const orgA = await createOrg(a, [[b, "member"]]);
      const orgB = await createOrg(b);
      const day = new Date(Date.UTC(2026, 1, 3 + Math.floor(Math.random() * 20), 10));
      logUserActive(a.id, orgA, day);
      logUserActive(b.id, orgA, day); // b works in A in the morning…
      logUserActive(b.id, orgB, new Date(day.getTime() + 3600_000)); // …and only in B after
      await flushUsage();
      const range = {
        startDate: new Date(day.getTime() - 86_400_000),
        endDate: new Date(day.getTime() + 86_400_000),
      };
      expect((await getUsageSummary({ orgId: orgA, ...range })).user_active).toEqual({ total: 2, count: 2 });
      expect((await getUsageSummary({ orgId: orgB, ...range })).user_active).toEqual({ total: 1, count: 1 });
      // Across the platform b is one user, seen in two organizations.
      expect((await getUsageSummary({ userId: b.id, ...range })).user_active).toEqual({ total: 1, count: 2 });
    });
  });

  it("drops invalid events with a count instead of throwing", () => {
    const before = usageQueueStats().invalid;
    expect(() => logUsage({ eventType: "bogus" as "api_call", userId: owner.id })).not.toThrow();
    expect(() => logUsage({ eventType: "record_created", userId: owner.id, quantity: -1 })).not.toThrow();
    expect(usageQueueStats().invalid).toBe(before + 2);
  });

  it("keeps every action working while the sink is broken, and delivers the queued events after recovery", async () => {
    await flushUsage();
    // An outage of the queue's write path for this test's member only: a privilege revoked for
    // everyone would break tests running beside this one.
    await db.unsafe(`
      create or replace function public.test_usage_outage() returns trigger language plpgsql set search_path = '' as $$
      begin
        if new.user_id = '${member.id}' then raise exception 'usage write path down (test)'; end if;
        return new;
      end $$;
      create trigger test_usage_outage before insert on public.usage_events
        for each row execute function public.test_usage_outage();`);
    const day = new Date(Date.UTC(2026, 0, 20 + Math.floor(Math.random() * 5), 12));
    let ids: string[] = [];
    try {
      // Records are metered inside their own insert, so an outage of the queue's write path
      // changes nothing for them: created, and counted.
      const records = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          createRecord(owner.client, {
            orgId,
            userId: owner.id,
            input: { title: `during outage ${i}`, body: "", tags: [] },
          }),
        ),
      );
      ids = records.map((r) => r.id);
      expect(records).toHaveLength(5);
      // Queued events (an active user) wait for the sink.
      logUserActive(member.id, orgId, day);
      await flushUsage(); // fails: the event stays queued
      expect(usageQueueStats().pending).toBeGreaterThanOrEqual(1);
      expect(
        await db`select 1 from public.usage_events where user_id = ${member.id} and event_type = 'user_active' and created_at = ${day}`,
      ).toEqual([]);
    } finally {
      await db.unsafe(`drop trigger test_usage_outage on public.usage_events;
                       drop function public.test_usage_outage();`);
    }
    const metered =
      await db`select count(*)::int as n from public.usage_events where idempotency_key in ${db(ids.map((id) => `record_created:${id}`))}`;
    expect(metered[0]?.n).toBe(5);
    await flushUsage();
    const arrived =
      await db`select count(*)::int as n from public.usage_events where user_id = ${member.id} and event_type = 'user_active' and created_at = ${day}`;
    expect(arrived[0]?.n).toBe(1);
  });

  it("refuses forged event writes through PostgREST with a user's token", async () => {
    const row = {
      user_id: owner.id,
      org_id: orgId,
      event_type: "api_call",
      quantity: 1,
      created_at: new Date().toISOString(),
      idempotency_key: `forged:${owner.id}`,
    };
    const insert = await owner.client.from("usage_events").insert(row);
    expect(insert.error?.code).toBe("42501");
    const anon = await anonClient().from("usage_events").insert(row);
    expect(anon.error?.code).toBe("42501");
    const update = await owner.client.from("usage_events").update({ quantity: 0 }).eq("org_id", orgId);
    expect(update.error?.code).toBe("42501");
    const del = await owner.client.from("usage_events").delete().eq("org_id", orgId);
    expect(del.error?.code).toBe("42501");
    const forged =
      await db`select count(*)::int as n from public.usage_events where idempotency_key = ${`forged:${owner.id}`}`;
    expect(forged[0]?.n).toBe(0);
  });

  it("lets users read their own events and owners their org's, nobody else's", async () => {
    // Each of the two has events of their own in the org, whatever ran before.
    for (const user of [owner, member]) {
      await createRecord(user.client, {
        orgId,
        userId: user.id,
        input: { title: "mine", body: "", tags: [] },
      });
    }
    const mine = await member.client.from("usage_events").select("user_id").eq("org_id", orgId);
    expect(mine.data?.length).toBeGreaterThan(0);
    expect(mine.data?.every((e) => e.user_id === member.id)).toBe(true);
    const all = await owner.client.from("usage_events").select("user_id").eq("org_id", orgId);
    expect(new Set(all.data?.map((e) => e.user_id))).toEqual(new Set([owner.id, member.id]));
    const none = await outsider.client.from("usage_events").select("id").eq("org_id", orgId);
    expect(none.data).toEqual([]);
  });

  it("summarizes: counters sum, active users are distinct, storage is a gauge", async () => {
    const [a, b] = await Promise.all([createTestUser(), createTestUser()]);
    const org = await createOrg(a, [[b, "member"]]);
    const day = new Date(Date.UTC(2026, 2, 2 + Math.floor(Math.random() * 20), 10));
    const at = (hours: number) => new Date(day.getTime() + hours * 3600_000);
    const events = [
      { eventType: "ai_tokens_used", userId: a.id, quantity: 30, hours: 0 },
      { eventType: "ai_tokens_used", userId: b.id, quantity: 12, hours: 30 },
      { eventType: "user_active", userId: a.id, quantity: 1, hours: 0 },
      { eventType: "user_active", userId: a.id, quantity: 1, hours: 24 },
      { eventType: "user_active", userId: b.id, quantity: 1, hours: 25 },
      { eventType: "storage_used", userId: a.id, quantity: 5000, hours: 1 },
      { eventType: "storage_used", userId: b.id, quantity: 700, hours: 2 },
      { eventType: "storage_used", userId: a.id, quantity: -5000, hours: 40 },
    ] as const;
    events.forEach((e, i) =>
      logUsage({
        eventType: e.eventType,
        userId: e.userId,
        orgId: org,
        quantity: e.quantity,
        createdAt: at(e.hours),
        eventData:
          e.eventType === "ai_tokens_used" ? { model: "m", prompt_tokens: 1, completion_tokens: 1 } : {},
        idempotencyKey: `summary:${org}:${i}`,
      }),
    );
    await flushUsage();
    const summary = await getUsageSummary({ orgId: org, startDate: day, endDate: at(48) });
    expect(summary.ai_tokens_used).toEqual({ total: 42, count: 2 });
    expect(summary.user_active).toEqual({ total: 2, count: 3 }); // two people, three active days
    expect(summary.storage_used).toEqual({ total: 700, count: 3 }); // stored at the end of the range
    // Halfway through, a's 5,000 bytes were still stored.
    const earlier = await getUsageSummary({ orgId: org, startDate: day, endDate: at(30) });
    expect(earlier.storage_used.total).toBe(5700);
  });

  describe("POST /api/v1/usage/events", () => {
    let secret: string;
    beforeAll(async () => {
      secret = (await createApiKey(owner.client, { orgId, userId: owner.id, name: "ingest" })).secret;
    });

    const post = (body: string, init: { contentType?: string; key?: string } = {}) =>
      ingestPost(
        new Request("http://localhost/api/v1/usage/events", {
          method: "POST",
          headers: {
            authorization: `Bearer ${init.key ?? secret}`,
            "content-type": init.contentType ?? "application/json",
          },
          body,
        }),
        noParams,
      );

    it("accepts a batch, reports duplicates as success and rejects bad events with reasons", async () => {
      const ai = (key: string, extra: Record<string, unknown> = {}) => ({
        event_type: "ai_tokens_used",
        idempotency_key: key,
        quantity: 50,
        event_data: { model: "m", prompt_tokens: 40, completion_tokens: 10 },
        ...extra,
      });
      const batch = {
        events: [
          ai("svc-1", { quantity: 7 }),
          ai("svc-2", { user_id: member.id }),
          ai("svc-1", { quantity: 7 }),
          { event_type: "teleport", idempotency_key: "svc-3" },
          ai("svc-4", { quantity: -2 }),
          ai("svc-5", { user_id: outsider.id }),
          { event_type: "ai_tokens_used" },
          "not an object",
        ],
      };
      const res = await post(JSON.stringify(batch));
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        accepted: number;
        duplicates: number;
        rejected: number;
        results: { status: string; reason?: string }[];
      };
      expect(body).toMatchObject({ accepted: 2, duplicates: 1, rejected: 5 });
      expect(body.results.map((r) => r.status)).toEqual([
        "accepted",
        "accepted",
        "duplicate",
        "rejected",
        "rejected",
        "rejected",
        "rejected",
        "rejected",
      ]);
      expect(body.results[3]?.reason).toMatch(/unknown event type "teleport"/);
      expect(body.results[4]?.reason).toMatch(/negative/);
      expect(body.results[5]?.reason).toMatch(/not a member/);
      expect(body.results[6]?.reason).toMatch(/idempotency_key/);

      const again = (await (await post(JSON.stringify({ events: batch.events.slice(0, 2) }))).json()) as {
        duplicates: number;
      };
      expect(again.duplicates).toBe(2);

      const stored =
        await db`select user_id, event_type, quantity::float8 as quantity from public.usage_events
                              where idempotency_key like ${`ext:${orgId}:svc-%`} order by idempotency_key`;
      expect(stored).toEqual([
        { user_id: owner.id, event_type: "ai_tokens_used", quantity: 7 },
        { user_id: member.id, event_type: "ai_tokens_used", quantity: 50 },
      ]);
    });

    it("answers malformed, oversized and mistyped payloads with 4xx and writes nothing", async () => {
      // Each admitted call is itself metered as an api_call; nothing else may be written.
      const countIngested = async () => {
        await flushUsage();
        const rows = await db`select count(*)::int as n from public.usage_events
                              where org_id = ${orgId} and event_data ->> 'source' = 'ingest'`;
        return rows[0]?.n as number;
      };
      const before = await countIngested();
      const cases: [string, { contentType?: string }, number, RegExp][] = [
        ["{oops", {}, 400, /not valid JSON/],
        ["[]", {}, 400, /events/],
        [JSON.stringify({ events: [] }), {}, 400, /at least one event/],
        [JSON.stringify({ events: "x" }), {}, 400, /array/],
        [JSON.stringify({ events: [{}] }), { contentType: "text/plain" }, 400, /JSON/],
        [
          JSON.stringify({
            events: Array.from({ length: 1001 }, (_, i) => ({
              event_type: "api_call",
              idempotency_key: `k${i}`,
            })),
          }),
          {},
          413,
          /at most 1000/,
        ],
        [
          JSON.stringify({
            events: [
              { event_type: "api_call", idempotency_key: "big", event_data: { pad: "x".repeat(1_100_000) } },
            ],
          }),
          {},
          413,
          /at most/,
        ],
      ];
      for (const [body, init, status, message] of cases) {
        const res = await post(body, init);
        expect(res.status, body.slice(0, 40)).toBe(status);
        const json = (await res.json()) as { error: { message: string } };
        expect(json.error.message).toMatch(message);
      }
      expect(await countIngested()).toBe(before);
    });

    it("refuses unknown keys with 401", async () => {
      const res = await post(JSON.stringify({ events: [{ event_type: "api_call", idempotency_key: "x" }] }), {
        key: "mlk_nope",
      });
      expect(res.status).toBe(401);
    });

    it("answers 429 with Retry-After above the per-key rate", async () => {
      const key = (await createApiKey(owner.client, { orgId, userId: owner.id, name: "burst" })).secret;
      const body = JSON.stringify({
        events: [
          {
            event_type: "ai_tokens_used",
            idempotency_key: "rate",
            event_data: { model: "m", prompt_tokens: 1, completion_tokens: 1 },
          },
        ],
      });
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      // 45 calls span at most two 10 s windows of 20 each, so at least 5 must be refused.
      for (let i = 0; i < 45; i++) {
        const res = await post(body, { key });
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.headers.get("retry-after");
      }
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(5);
      expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
      expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    });
  });
});
