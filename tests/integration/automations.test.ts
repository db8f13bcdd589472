import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { GET as runSchedulesRoute } from "@/app/api/cron/run-schedules/route";
import { nextCronRun } from "@/lib/automations/cron";
import { listAutomationRuns } from "@/lib/automations/queries";
import { createAutomation, createSchedule, runAutomation } from "@/lib/automations/mutations";
import { runDueSchedules } from "@/lib/automations/scheduler";
import { createRecord } from "@/lib/records/mutations";

import { createOrg, createTestUser, serviceClient, sql, type TestUser } from "../support/supabase";

describe("automations and schedules", () => {
  const db = sql();
  const admin = serviceClient();
  let owner: TestUser, member: TestUser, outsider: TestUser;
  let orgId: string;

  beforeAll(async () => {
    [owner, member, outsider] = await Promise.all([createTestUser(), createTestUser(), createTestUser()]);
    orgId = await createOrg(owner, [[member, "member"]]);
    for (const [title, tags] of [
      ["Q3 report", ["finance"]],
      ["Q3 notes", ["draft"]],
      ["Q4 plan", ["finance"]],
    ] as const) {
      await createRecord(owner.client, {
        orgId,
        userId: owner.id,
        input: { title, body: "", tags: [...tags] },
      });
    }
  });
  afterAll(() => db.end());

  it("lets owners and admins define automations, not members", async () => {
    await expect(
      createAutomation(member.client, {
        orgId,
        userId: member.id,
        name: "x",
        action: "archive",
        filter: {},
        params: {},
      }),
    ).rejects.toMatchObject({ code: "forbidden" });
    await expect(
      createAutomation(outsider.client, {
        orgId,
        userId: outsider.id,
        name: "x",
        action: "archive",
        filter: {},
        params: {},
      }),
    ).rejects.toMatchObject({ code: "forbidden" });
  });

  it("tags the matching records, once, and records each run with its result and duration", async () => {
    const automation = await createAutomation(owner.client, {
      orgId,
      userId: owner.id,
      name: "Review finance",
      action: "tag",
      filter: { tag: "finance", title_contains: "Q3" },
      params: { tag: "reviewed" },
    });
    const started = performance.now();
    const first = await runAutomation(admin, {
      orgId,
      automationId: automation.id,
      trigger: "manual",
      actor: member.id,
    });
    const elapsed = performance.now() - started;
    expect(first).toMatchObject({
      status: "succeeded",
      records_matched: 1,
      records_changed: 1,
      trigger: "manual",
    });
    // Measured inside the database: more than nothing, less than the whole round trip.
    expect(Number(first.duration_ms)).toBeGreaterThan(0);
    expect(Number(first.duration_ms)).toBeLessThan(elapsed);
    expect(new Date(first.finished_at).getTime()).toBeGreaterThanOrEqual(
      new Date(first.started_at).getTime(),
    );

    const again = await runAutomation(admin, {
      orgId,
      automationId: automation.id,
      trigger: "manual",
      actor: member.id,
    });
    expect(again).toMatchObject({ records_matched: 1, records_changed: 0 });

    const tagged =
      await db`select title from public.records where org_id = ${orgId} and 'reviewed' = any(tags)`;
    expect(tagged.map((r) => r.title)).toEqual(["Q3 report"]);

    const runs = await listAutomationRuns(member.client, orgId, automation.id);
    expect(runs.map((r) => r.id)).toEqual([again.id, first.id]);
    expect(await listAutomationRuns(outsider.client, orgId, automation.id)).toEqual([]);
  });

  it("archives matching records", async () => {
    const automation = await createAutomation(owner.client, {
      orgId,
      userId: owner.id,
      name: "Archive drafts",
      action: "archive",
      filter: { tag: "draft" },
      params: {},
    });
    const run = await runAutomation(admin, {
      orgId,
      automationId: automation.id,
      trigger: "manual",
      actor: owner.id,
    });
    expect(run).toMatchObject({ records_matched: 1, records_changed: 1 });
    const archived = await db`select title from public.records where org_id = ${orgId} and archived`;
    expect(archived.map((r) => r.title)).toEqual(["Q3 notes"]);
  });

  it("refuses an automation row that points into another organization", async () => {
    const automation = await createAutomation(owner.client, {
      orgId,
      userId: owner.id,
      name: "Mine",
      action: "archive",
      filter: {},
      params: {},
    });
    const outsiderOrg = await createOrg(outsider);
    const schedule = await outsider.client.from("schedules").insert({
      org_id: outsiderOrg,
      automation_id: automation.id,
      created_by: outsider.id,
      cron: "* * * * *",
      next_run_at: new Date().toISOString(),
    });
    expect(schedule.error?.code).toBe("23503");
  });

  describe("schedules", () => {
    it("parses cron expressions in UTC and explains bad ones", () => {
      const from = new Date("2026-03-01T10:15:00Z");
      expect(nextCronRun("0 9 * * 1", from)).toEqual({ ok: true, next: new Date("2026-03-02T09:00:00Z") });
      expect(nextCronRun("*/5 * * * *", from)).toEqual({ ok: true, next: new Date("2026-03-01T10:20:00Z") });
      expect(nextCronRun("0 9 * *", from)).toMatchObject({
        ok: false,
        message: expect.stringMatching(/five fields/),
      });
      expect(nextCronRun("61 * * * *", from)).toMatchObject({
        ok: false,
        message: expect.stringMatching(/not a valid cron/),
      });
    });

    it("runs each due schedule exactly once, even when two cron calls overlap", async () => {
      const automation = await createAutomation(owner.client, {
        orgId,
        userId: owner.id,
        name: "Nightly tag",
        action: "tag",
        filter: { title_contains: "Q4" },
        params: { tag: "nightly" },
      });
      const schedule = await createSchedule(owner.client, {
        orgId,
        userId: owner.id,
        automationId: automation.id,
        cron: "0 2 * * *",
      });
      await db`update public.schedules set next_run_at = now() - interval '1 minute' where id = ${schedule.id}`;

      const [a, b] = await Promise.all([runDueSchedules(admin), runDueSchedules(admin)]);
      const mine = [...a, ...b].filter((r) => r.scheduleId === schedule.id);
      expect(mine.filter((r) => r.outcome === "ran")).toHaveLength(1);

      const runs = await listAutomationRuns(owner.client, orgId, automation.id);
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ trigger: "schedule", schedule_id: schedule.id, records_changed: 1 });

      const [row] = await db`select next_run_at, last_run_at from public.schedules where id = ${schedule.id}`;
      expect(new Date(row?.next_run_at as string).getTime()).toBeGreaterThan(Date.now());
      expect(new Date(row?.next_run_at as string).getUTCHours()).toBe(2);
      expect(row?.last_run_at).not.toBeNull();
    });

    it("refuses a member creating a schedule", async () => {
      const automation = await createAutomation(owner.client, {
        orgId,
        userId: owner.id,
        name: "s",
        action: "archive",
        filter: {},
        params: {},
      });
      await expect(
        createSchedule(member.client, {
          orgId,
          userId: member.id,
          automationId: automation.id,
          cron: "0 * * * *",
        }),
      ).rejects.toMatchObject({ code: "forbidden" });
      await expect(
        createSchedule(owner.client, {
          orgId,
          userId: owner.id,
          automationId: automation.id,
          cron: "every day",
        }),
      ).rejects.toMatchObject({ code: "bad_request" });
    });

    it("serves the cron route only with the cron secret", async () => {
      const call = (auth?: string) =>
        runSchedulesRoute(
          new Request("http://localhost/api/cron/run-schedules", {
            headers: auth ? { authorization: auth } : {},
          }),
        );
      expect((await call()).status).toBe(401);
      expect((await call("Bearer wrong")).status).toBe(401);
      expect((await call("test-cron-secret")).status).toBe(401);
      const ok = await call("Bearer test-cron-secret");
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ failed: 0 });
    });
  });
});
