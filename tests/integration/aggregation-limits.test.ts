import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { GET as aggregateRoute } from "@/app/api/cron/aggregate-usage/route";
import { POST as recordsPost } from "@/app/api/v1/records/route";
import { summarizeRecord } from "@/lib/ai/mutations";
import { createApiKey } from "@/lib/api-keys/mutations";
import { createAutomation, runAutomation } from "@/lib/automations/mutations";
import { createRecord } from "@/lib/records/mutations";
import { runScheduledAggregation } from "@/lib/usage/aggregation";
import { flushUsage } from "@/lib/usage/logging";
import { getCurrentUsage } from "@/lib/usage/queries";

import { startFakeOpenAi, type FakeOpenAi } from "../support/fake-openai";
import {
  createOrg,
  createTestUser,
  serviceClient,
  sql,
  type TestUser,
  uploadFileAs,
} from "../support/supabase";

const callCron = (authorization?: string) =>
  aggregateRoute(
    new Request("http://localhost/api/cron/aggregate-usage", {
      headers: authorization ? { authorization } : {},
    }),
  );

describe("aggregation cron route and the real-time read model", () => {
  const db = sql();
  let owner: TestUser;
  let orgId: string;

  beforeAll(async () => {
    owner = await createTestUser();
    orgId = await createOrg(owner);
  });
  afterAll(() => db.end());

  it("refuses a missing or wrong cron secret", async () => {
    expect((await callCron()).status).toBe(401);
    expect((await callCron("Bearer nope")).status).toBe(401);
    expect((await callCron("Basic test-cron-secret")).status).toBe(401);
  });

  it("rolls up past days and closed months, clears late marks, and stays exact with a live tail", async () => {
    const prefix = randomUUID();
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    await db`insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
             values (${owner.id}, ${orgId}, 'api_call', 1, '{}', ${twoDaysAgo}, ${`${prefix}:1`}),
                    (${owner.id}, ${orgId}, 'api_call', 1, '{}', ${twoDaysAgo}, ${`${prefix}:2`})`;
    const dirty = await db`select 1 from public.usage_dirty_days
                           where day = (${twoDaysAgo}::timestamptz at time zone 'utc')::date and org_id = ${orgId}`;
    expect(dirty).toHaveLength(1);

    const res = await callCron("Bearer test-cron-secret");
    expect(res.status).toBe(200);
    // Nothing left over and nothing failed (another test file may have rolled this day up first).
    const summary = (await res.json()) as {
      failures: unknown[];
      remaining: { days: number; months: number };
    };
    expect(summary.failures).toEqual([]);
    expect(summary.remaining).toEqual({ days: 0, months: 0 });

    const rows = await db`select total_quantity::int as total from public.usage_aggregations
                          where period_type = 'daily' and org_id = ${orgId} and metric_type = 'api_call'
                            and period_start = date_trunc('day', ${twoDaysAgo}::timestamptz at time zone 'utc') at time zone 'utc'`;
    expect(rows).toEqual([{ total: 2 }]);
    const stillDirty = await db`select 1 from public.usage_dirty_days
                                where day = (${twoDaysAgo}::timestamptz at time zone 'utc')::date and org_id = ${orgId}`;
    expect(stillDirty).toHaveLength(0);

    // A second run with nothing new is a no-op on this org's rows.
    expect((await callCron("Bearer test-cron-secret")).status).toBe(200);

    // Created after the last roll-up, counted at once.
    const start = new Date(Date.now() - 3 * 86_400_000);
    const before = await getCurrentUsage({ orgId }, { start, end: new Date(Date.now() + 1000) });
    expect(before.totals.api_call.total).toBe(2);
    expect(before.rolledThrough).not.toBeNull();
    await createRecord(owner.client, {
      orgId,
      userId: owner.id,
      input: { title: "fresh", body: "", tags: [] },
    });
    await flushUsage();
    const after = await getCurrentUsage({ orgId }, { start, end: new Date(Date.now() + 1000) });
    expect(after.totals.record_created.total).toBe(before.totals.record_created.total + 1);
    expect(after.totals.api_call.total).toBe(2);
  });
});

describe("events changed or deleted by hand", () => {
  const db = sql();
  afterAll(() => db.end());

  it("marks their days late, and the next cron run rolls them up again to match the raw events", async () => {
    const owner = await createTestUser();
    const orgId = await createOrg(owner);
    const prefix = randomUUID();
    const day = new Date(Date.UTC(2025, 5, 1 + Math.floor(Math.random() * 28), 12));
    await db`insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
             select ${owner.id}, ${orgId}, 'ai_tokens_used', 10, '{}', ${day}, ${prefix} || ':' || g
             from generate_series(1, 3) g`;
    expect((await callCron("Bearer test-cron-secret")).status).toBe(200);
    const rolled = () =>
      db`select total_quantity::int as total from public.usage_aggregations
         where period_type = 'daily' and org_id = ${orgId} and metric_type = 'ai_tokens_used'`;
    expect(await rolled()).toEqual([{ total: 30 }]);

    await db`delete from public.usage_events where idempotency_key = ${`${prefix}:1`}`;
    await db`update public.usage_events set quantity = 5 where idempotency_key = ${`${prefix}:2`}`;
    const dirty = await db`select 1 from public.usage_dirty_days
                           where day = (${day}::timestamptz at time zone 'utc')::date and org_id = ${orgId}`;
    expect(dirty).toHaveLength(1);
    // Until the next run, readers take the day from raw events.
    const usage = await getCurrentUsage(
      { orgId },
      { start: new Date(day.getTime() - 3600_000), end: new Date(day.getTime() + 3600_000) },
    );
    expect(usage.totals.ai_tokens_used.total).toBe(15);

    expect((await callCron("Bearer test-cron-secret")).status).toBe(200);
    expect(await rolled()).toEqual([{ total: 15 }]);
  });
});

describe("catching up in bounded steps", () => {
  const db = sql();
  afterAll(() => db.end());

  it("rolls a backfill up a few days per run, says what is left, and resumes where it stopped", async () => {
    const owner = await createTestUser();
    const orgId = await createOrg(owner);
    const prefix = randomUUID();
    // Five days in 2023, which no other test writes to; the days are late (long rolled up).
    const days = [3, 4, 5, 6, 7].map((d) => new Date(Date.UTC(2023, 3, d, 9)));
    await db`insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
             select ${owner.id}, ${orgId}, 'api_call', g, '{}', d, ${prefix} || ':' || g || ':' || d
             from unnest(${days.map((d) => d.toISOString())}::text[]::timestamptz[]) d, generate_series(1, 4) g`;
    const ourMarks = async () =>
      (
        await db<
          { n: number }[]
        >`select count(*)::int as n from public.usage_dirty_days where org_id = ${orgId}`
      )[0]?.n;
    expect(await ourMarks()).toBe(5);

    // No time left: nothing runs, everything is reported as left for the next run.
    const none = await runScheduledAggregation({ budgetMs: 0 });
    expect(none.runs).toEqual([]);
    expect(none.remaining.days).toBeGreaterThanOrEqual(5);
    expect(await ourMarks()).toBe(5);

    // Two steps per run (a step is one day): the backlog shrinks run by run and is done in the end.
    const left: number[] = [];
    for (let run = 0; run < 20 && (await ourMarks()) !== 0; run++) {
      const result = await runScheduledAggregation({ stepLimit: 2 });
      expect(result.runs.length + result.failures.length).toBeLessThanOrEqual(2);
      expect(result.failures).toEqual([]);
      const marks = (await ourMarks()) ?? 0;
      if (marks > 0) expect(result.remaining.days).toBeGreaterThanOrEqual(marks);
      left.push(marks);
    }
    expect(left.at(-1)).toBe(0);
    expect(left[0]).toBeGreaterThanOrEqual(3);
    const rows = await db<{ day: Date; total: number }[]>`
      select period_start as day, total_quantity::int as total from public.usage_aggregations
      where period_type = 'daily' and org_id = ${orgId} order by 1`;
    expect(rows.map((r) => [r.day.toISOString().slice(0, 10), r.total])).toEqual(
      days.map((d) => [d.toISOString().slice(0, 10), 1 + 2 + 3 + 4]),
    );

    // The month follows from its days in a later run.
    await runScheduledAggregation();
    const [month] = await db<{ total: number }[]>`
      select total_quantity::int as total from public.usage_aggregations
      where period_type = 'monthly' and org_id = ${orgId} and period_start = '2023-04-01T00:00:00Z'`;
    expect(month?.total).toBe(50);
  });
});

describe("plan limits", () => {
  const db = sql();
  const admin = serviceClient();
  let ai: FakeOpenAi;
  let owner: TestUser;
  let orgId: string;

  async function seedUsage(eventType: string, quantity: number, count = 1) {
    const prefix = randomUUID();
    await db`insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
             select ${owner.id}, ${orgId}, ${eventType}, ${quantity}, '{}', now(), ${prefix} || ':' || g
             from generate_series(1, ${count}) g`;
  }

  beforeAll(async () => {
    ai = await startFakeOpenAi();
    owner = await createTestUser();
    orgId = await createOrg(owner); // on the free plan: 500 records, 100 runs, 1 GB, 20,000 AI tokens
  });
  afterAll(async () => {
    await ai.close();
    await db.end();
  });

  it("refuses a record at 100% of the plan's limit, naming the limit, the usage and the plan", async () => {
    await seedUsage("record_created", 1, 499);
    await createRecord(owner.client, {
      orgId,
      userId: owner.id,
      input: { title: "the 500th", body: "", tags: [] },
    });
    await flushUsage();

    const refused = createRecord(owner.client, {
      orgId,
      userId: owner.id,
      input: { title: "501st", body: "", tags: [] },
    });
    await expect(refused).rejects.toMatchObject({
      code: "payment_required",
      message: expect.stringMatching(
        /^Limit reached for Records created: the Free plan allows 500 records per billing period .*, and this organization has used 500 records\. Upgrade the plan to continue\.$/,
      ),
    });
    const rows = await db`select count(*)::int as n from public.records where org_id = ${orgId}`;
    expect(rows[0]?.n).toBe(1);
  });

  it("answers the v1 API with a 402 JSON error once API calls reach the limit", async () => {
    const key = await createApiKey(owner.client, { orgId, userId: owner.id, name: "limited" });
    await seedUsage("api_call", 1, 1000);
    const res = await recordsPost(
      new Request("http://localhost/api/v1/records", {
        method: "POST",
        headers: { authorization: `Bearer ${key.secret}`, "content-type": "application/json" },
        body: JSON.stringify({ title: "over" }),
      }),
      { params: Promise.resolve({}) },
    );
    expect(res.status).toBe(402);
    expect(await res.json()).toMatchObject({
      error: {
        code: "payment_required",
        details: { metric: "api_call", limit: 1000, used: 1000, plan: "free" },
      },
    });
  });

  it("refuses an upload that would pass the storage limit", async () => {
    await seedUsage("storage_used", 1024 ** 3 - 100);
    // Written as the service role: the record limit (reached above) binds clients and SQL alike.
    await admin.rpc("change_org_plan", { p_org_id: orgId, p_plan_id: "pro", p_actor: owner.id });
    const recordId = (
      await createRecord(owner.client, {
        orgId,
        userId: owner.id,
        input: { title: "files", body: "", tags: [] },
      })
    ).id;
    await admin.rpc("change_org_plan", { p_org_id: orgId, p_plan_id: "free", p_actor: owner.id });
    const upload = (bytes: number) =>
      uploadFileAs(owner, {
        orgId,
        recordId,
        file: new File(["x".repeat(bytes)], "f.txt", { type: "text/plain" }),
      });
    await expect(upload(101)).rejects.toMatchObject({
      code: "payment_required",
      message: expect.stringMatching(
        /Storage: the Free plan allows 1\.0 GB, and this organization has used 1\.0 GB\./,
      ),
    });
    await expect(upload(100)).resolves.toMatchObject({ size_bytes: 100 });
  });

  it("refuses automation runs and AI requests at their limits, without calling the provider", async () => {
    const automation = await createAutomation(owner.client, {
      orgId,
      userId: owner.id,
      name: "a",
      action: "archive",
      filter: {},
      params: {},
    });
    await seedUsage("automation_run", 1, 100);
    await expect(
      runAutomation(admin, { orgId, automationId: automation.id, trigger: "manual", actor: owner.id }),
    ).rejects.toMatchObject({ code: "payment_required" });

    process.env.AI_BASE_URL = ai.baseUrl;
    process.env.AI_API_KEY = "k";
    process.env.AI_MODEL = "m";
    try {
      await seedUsage("ai_tokens_used", 20_000);
      const calls = ai.requests.length;
      await expect(
        summarizeRecord({
          orgId,
          userId: owner.id,
          record: { id: randomUUID(), title: "t", body: "", tags: [] },
        }),
      ).rejects.toMatchObject({
        code: "payment_required",
        message: expect.stringMatching(/AI tokens: the Free plan allows 20,000 tokens/),
      });
      expect(ai.requests.length).toBe(calls);
    } finally {
      delete process.env.AI_BASE_URL;
    }
  });

  it("lets the organization go on after an upgrade", async () => {
    const { error } = await admin.rpc("change_org_plan", {
      p_org_id: orgId,
      p_plan_id: "pro",
      p_actor: owner.id,
    });
    expect(error).toBeNull();
    await expect(
      createRecord(owner.client, {
        orgId,
        userId: owner.id,
        input: { title: "after upgrade", body: "", tags: [] },
      }),
    ).resolves.toMatchObject({ title: "after upgrade" });
  });
});
