// The usage dashboard's data against the real stack: who may see what, numbers equal to the raw
// events, every bucket present, and limit alerts recorded once per threshold and period, also
// under concurrent crossings.
import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { GET as aggregateRoute } from "@/app/api/cron/aggregate-usage/route";
import { createRecord } from "@/lib/records/mutations";
import { decideScope, listMemberOptions, loadUsageDashboard } from "@/lib/usage/dashboard";
import { dismissUsageNotification } from "@/lib/usage/mutations";
import { listOpenNotifications } from "@/lib/usage/queries";

import { createOrg, createTestUser, serviceClient, sql, type TestUser } from "../support/supabase";

const db = sql();
afterAll(() => db.end());

async function spend(
  user: TestUser,
  orgId: string,
  eventType: string,
  quantity: number,
  at = new Date(),
  data = {},
) {
  await db`insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
           values (${user.id}, ${orgId}, ${eventType}, ${quantity}, ${db.json(data)}, ${at}, ${`spent:${randomUUID()}`})`;
}

describe("the usage dashboard", () => {
  let owner: TestUser, member: TestUser, other: TestUser;
  let orgId: string;

  beforeAll(async () => {
    [owner, member, other] = await Promise.all([createTestUser(), createTestUser(), createTestUser()]);
    orgId = await createOrg(owner, [
      [member, "member"],
      [other, "member"],
    ]);
    const today = new Date();
    const twoDaysAgo = new Date(today.getTime() - 2 * 86_400_000);
    await spend(owner, orgId, "api_call", 1, today, { route: "/api/v1/records", status: 200 });
    await spend(member, orgId, "api_call", 1, twoDaysAgo, { route: "/api/v1/records", status: 201 });
    await spend(member, orgId, "api_call", 1, today, { route: "/api/v1/usage/events", status: 400 });
    await spend(other, orgId, "ai_tokens_used", 500, twoDaysAgo, { model: "m1" });
    await spend(member, orgId, "ai_tokens_used", 70, today, { model: "m2" });
    await spend(member, orgId, "storage_used", 1000, twoDaysAgo);
    await spend(owner, orgId, "storage_used", 250, today);
  });

  async function apiCallsThisMonth() {
    const [row] = await db<{ n: number }[]>`
      select count(*)::int as n from public.usage_events
      where org_id = ${orgId} and event_type = 'api_call'
        and created_at >= date_trunc('month', now() at time zone 'utc') at time zone 'utc'`;
    return row?.n ?? 0;
  }

  async function load(
    viewer: TestUser,
    role: "owner" | "member",
    request: { member?: string; org?: boolean } = {},
  ) {
    const members = await listMemberOptions(viewer.client, orgId);
    const { scope, refused } = decideScope(
      { orgId, role, viewerId: viewer.id, memberId: request.member ?? null, wantsOrg: request.org ?? false },
      members,
    );
    return {
      refused,
      data: await loadUsageDashboard({ scope, role, members, period: "week" }),
    };
  }

  it("shows an owner the whole organization, numbers equal to the raw events", async () => {
    const { data } = await load(owner, "owner");
    expect(data.scope.kind).toBe("org");
    const card = (metric: string) => data.cards.find((c) => c.metric === metric);
    expect(card("api_call")?.value).toBe(3);
    expect(card("ai_tokens_used")?.value).toBe(570);
    expect(card("storage_used")?.value).toBe(1250);
    // Every bucket of the week, zeros included; the counters' buckets add up to the card.
    expect(data.period.buckets).toHaveLength(7);
    expect(card("api_call")?.series).toHaveLength(7);
    expect(card("api_call")?.series.reduce((a, b) => a + b, 0)).toBe(3);
    expect(card("api_call")?.series.slice(-1)).toEqual([2]);
    // The gauge at each bucket's end: 0 before, 1,000 two days ago, 1,250 today.
    expect(card("storage_used")?.series.slice(-3)).toEqual([1000, 1000, 1250]);
    expect(data.members?.map((m) => m.totals.api_call ?? 0).sort()).toEqual([0, 1, 2]);
    expect(data.breakdowns.apiRoutes).toEqual([
      { key: "/api/v1/records", total: 2 },
      { key: "/api/v1/usage/events", total: 1 },
    ]);
    expect(new Map(data.breakdowns.apiStatus.map((r) => [r.key, r.total]))).toEqual(
      new Map([
        ["2xx", 2],
        ["4xx", 1],
      ]),
    );
    expect(data.breakdowns.aiModels).toEqual([
      { key: "m1", total: 500 },
      { key: "m2", total: 70 },
    ]);
    // Limits count the billing period (this calendar month), whatever the page shows.
    const apiLimit = data.limits.find((l) => l.metric === "api_call");
    expect(apiLimit).toMatchObject({ status: "ok", used: await apiCallsThisMonth(), limit: 1000 });
  });

  it("lets an owner narrow to one member", async () => {
    const { data, refused } = await load(owner, "owner", { member: member.id });
    expect(refused).toBeNull();
    expect(data.scope).toEqual({ kind: "member", orgId, userId: member.id });
    expect(data.cards.find((c) => c.metric === "api_call")?.value).toBe(2);
    expect(data.members).toBeNull();
    const stranger = await load(owner, "owner", { member: randomUUID() });
    expect(stranger.refused).toBe("member_unknown");
    expect(stranger.data.scope.kind).toBe("org");
  });

  it("shows a member only their own usage, whatever the URL asks, and the limits without numbers", async () => {
    for (const request of [{}, { member: other.id }, { org: true }, { member: owner.id, org: true }]) {
      const { data, refused } = await load(member, "member", request);
      expect(data.scope).toEqual({ kind: "self", orgId, userId: member.id });
      expect(refused === null).toBe(Object.keys(request).length === 0);
      expect(data.cards.find((c) => c.metric === "api_call")?.value).toBe(2);
      expect(data.cards.find((c) => c.metric === "ai_tokens_used")?.value).toBe(70);
      expect(data.members).toBeNull();
      expect(data.notifications).toBeNull();
      expect(data.breakdowns.aiModels).toEqual([{ key: "m2", total: 70 }]);
      for (const limit of data.limits) {
        expect(limit).not.toHaveProperty("used");
        expect(limit).not.toHaveProperty("limit");
        expect(limit).not.toHaveProperty("projected");
      }
      // The org-wide ratio is there, not the numbers behind it.
      expect(data.limits.find((l) => l.metric === "api_call")?.ratio).toBeCloseTo(
        (await apiCallsThisMonth()) / 1000,
      );
    }
  });

  it("gives a member's token straight at PostgREST only their own rows of the organization", async () => {
    const start = new Date(Date.now() - 7 * 86_400_000).toISOString();
    const end = new Date(Date.now() + 86_400_000).toISOString();
    const totals = await member.client.rpc("usage_totals", {
      p_org_id: orgId,
      p_user_id: null as unknown as string,
      p_start: start,
      p_end: end,
    });
    expect(totals.error).toBeNull();
    expect(totals.data?.find((r) => r.metric_type === "api_call")?.total_quantity).toBe(2);
    expect(totals.data?.find((r) => r.metric_type === "ai_tokens_used")?.total_quantity).toBe(70);
    const byMember = await member.client.rpc("usage_breakdown", {
      p_org_id: orgId,
      p_user_id: null as unknown as string,
      p_start: start,
      p_end: end,
      p_by: "member",
    });
    expect(new Set(byMember.data?.map((r) => r.key))).toEqual(new Set([member.id]));
    const notifications = await member.client.from("usage_notifications").select("id").eq("org_id", orgId);
    expect(notifications.data).toEqual([]);
    const check = await member.client.rpc("check_usage_limit", { p_org_id: orgId, p_metric: "api_call" });
    expect(check.error?.code).toBe("42501");
  });
});

describe("limit alerts", () => {
  it("are recorded once per threshold and period, also when many writes cross at once", async () => {
    const owner = await createTestUser();
    const orgId = await createOrg(owner);
    const plan = `test-alerts-${randomUUID().slice(0, 8)}`;
    await db`insert into public.plans (id, name, price_cents, sort_order, limits)
             values (${plan}, 'Alerts', 0, 99, ${db.json({
               max_records_per_month: 10,
               max_api_calls_per_month: null,
               max_automation_runs_per_month: null,
               max_storage_gb: null,
               max_schedule_runs_per_month: null,
               max_ai_tokens_per_month: null,
               max_active_users: null,
             })})`;
    try {
      await serviceClient().rpc("change_org_plan", { p_org_id: orgId, p_plan_id: plan, p_actor: owner.id });
      await spend(owner, orgId, "record_created", 7);
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) =>
          createRecord(owner.client, {
            orgId,
            userId: owner.id,
            input: { title: `r${i}`, body: "", tags: [] },
          }),
        ),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
      const rows =
        await db`select threshold, used::int as used from public.usage_notifications where org_id = ${orgId} order by threshold`;
      expect(rows).toEqual([
        { threshold: 80, used: 8 },
        { threshold: 100, used: 10 },
      ]);
      // The cron's sweep finds nothing new to add.
      await serviceClient().rpc("record_usage_alerts");
      expect(
        await db`select count(*)::int as n from public.usage_notifications where org_id = ${orgId}`,
      ).toEqual([{ n: 2 }]);

      const open = await listOpenNotifications(orgId);
      expect(open.map((n) => n.threshold)).toEqual([100, 80]);
      await dismissUsageNotification({ orgId, notificationId: open[0]?.id ?? 0, actor: owner.id });
      expect((await listOpenNotifications(orgId)).map((n) => n.threshold)).toEqual([80]);
      // Another organization's id does not reach it.
      const elsewhere = await createOrg(owner);
      await expect(
        dismissUsageNotification({ orgId: elsewhere, notificationId: open[1]?.id ?? 0, actor: owner.id }),
      ).rejects.toMatchObject({ code: "not_found" });
    } finally {
      await db`delete from public.organizations where id = ${orgId}`;
      await db`delete from public.plans where id = ${plan}`;
    }
  });

  it("are recorded by the aggregation cron for usage no gate saw", async () => {
    const owner = await createTestUser();
    const orgId = await createOrg(owner); // free: 20,000 AI tokens
    await spend(owner, orgId, "ai_tokens_used", 21_000, new Date(), { model: "m" });
    expect(await db`select 1 from public.usage_notifications where org_id = ${orgId}`).toEqual([]);
    const res = await aggregateRoute(
      new Request("http://localhost/api/cron/aggregate-usage", {
        headers: { authorization: "Bearer test-cron-secret" },
      }),
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as { alerts: number }).alerts).toBeGreaterThanOrEqual(2);
    const rows =
      await db`select metric, threshold from public.usage_notifications where org_id = ${orgId} order by threshold`;
    expect(rows).toEqual([
      { metric: "ai_tokens_used", threshold: 80 },
      { metric: "ai_tokens_used", threshold: 100 },
    ]);
  });
});
