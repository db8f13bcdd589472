import { describe, expect, it } from "vitest";
import { advancePlan, cronJobsFrom, nextFireTimes, planRuns } from "./schedule.ts";

const at = (iso: string): Date => new Date(iso);

describe("nextFireTimes", () => {
  it("evaluates schedules in UTC, strictly after the given time", () => {
    expect(nextFireTimes("0 1 * * *", at("2025-03-10T00:30:00Z"), 2)).toEqual([
      at("2025-03-10T01:00:00Z"),
      at("2025-03-11T01:00:00Z"),
    ]);
    expect(nextFireTimes("0 1 * * *", at("2025-03-10T01:00:00Z"))).toEqual([at("2025-03-11T01:00:00Z")]);
  });

  it("handles steps and month boundaries", () => {
    expect(nextFireTimes("*/15 * * * *", at("2025-01-31T23:50:00Z"), 3)).toEqual([
      at("2025-02-01T00:00:00Z"),
      at("2025-02-01T00:15:00Z"),
      at("2025-02-01T00:30:00Z"),
    ]);
    expect(nextFireTimes("5 0 1 * *", at("2025-12-15T00:00:00Z"))).toEqual([at("2026-01-01T00:05:00Z")]);
  });
});

describe("planRuns and advancePlan", () => {
  const jobs = [
    { path: "/api/cron/daily", schedule: "10 0 * * *" },
    { path: "/api/cron/often", schedule: "*/5 * * * *" },
  ];

  it("orders runs by time and reports invalid schedules instead of throwing", () => {
    const invalid: string[] = [];
    const plan = planRuns(
      [...jobs, { path: "/bad", schedule: "every tuesday" }],
      at("2025-05-01T00:01:00Z"),
      (job) => invalid.push(job.path),
    );
    expect(plan.map((run) => [run.job.path, run.at.toISOString()])).toEqual([
      ["/api/cron/often", "2025-05-01T00:05:00.000Z"],
      ["/api/cron/daily", "2025-05-01T00:10:00.000Z"],
    ]);
    expect(invalid).toEqual(["/bad"]);
  });

  it("fires what is due and moves it to its next slot", () => {
    const plan = planRuns(jobs, at("2025-05-01T00:01:00Z"));
    const { due, next } = advancePlan(plan, at("2025-05-01T00:05:00Z"));
    expect(due.map((run) => run.job.path)).toEqual(["/api/cron/often"]);
    // Both now fall on 00:10; their relative order is not part of the contract.
    expect(next.map((run) => `${run.at.toISOString()} ${run.job.path}`).sort()).toEqual([
      "2025-05-01T00:10:00.000Z /api/cron/daily",
      "2025-05-01T00:10:00.000Z /api/cron/often",
    ]);
  });

  it("fires a run missed during sleep once, not once per missed slot", () => {
    const plan = planRuns(jobs, at("2025-05-01T00:01:00Z"));
    const { due, next } = advancePlan(plan, at("2025-05-01T03:02:00Z"));
    expect(due.map((run) => run.job.path).sort()).toEqual(["/api/cron/daily", "/api/cron/often"]);
    expect(next.map((run) => run.at.toISOString())).toEqual([
      "2025-05-01T03:05:00.000Z",
      "2025-05-02T00:10:00.000Z",
    ]);
  });
});

describe("cronJobsFrom", () => {
  it("reads vercel.json crons and ignores malformed entries or a missing list", () => {
    expect(
      cronJobsFrom({
        crons: [{ path: "/a", schedule: "0 0 * * *" }, { path: 3 }, null, { schedule: "* * * * *" }],
      }),
    ).toEqual([{ path: "/a", schedule: "0 0 * * *" }]);
    expect(cronJobsFrom({})).toEqual([]);
    expect(cronJobsFrom(null)).toEqual([]);
  });
});
