import { describe, expect, it } from "vitest";

import { planAggregation, type AggregationState, type AggregationStep } from "./aggregation";

const d = (iso: string) => new Date(iso);
const now = d("2026-03-10T01:00:00Z");
const empty: AggregationState = {
  dailyRolledThrough: null,
  monthlyRolledThrough: null,
  earliestEvent: null,
  dirtyDays: [],
  dirtyMonths: [],
};
const A = "aaaaaaaa-0000-4000-8000-000000000001";
const B = "bbbbbbbb-0000-4000-8000-000000000002";

const day = (iso: string, orgIds: string[] | null = null): AggregationStep => ({
  periodType: "daily",
  start: d(`${iso}T00:00:00Z`),
  end: new Date(d(`${iso}T00:00:00Z`).getTime() + 86_400_000),
  orgIds,
});
const month = (iso: string, next: string, orgIds: string[] | null = null): AggregationStep => ({
  periodType: "monthly",
  start: d(`${iso}-01T00:00:00Z`),
  end: d(`${next}-01T00:00:00Z`),
  orgIds,
});

describe("planAggregation", () => {
  it("does nothing without events", () => {
    expect(planAggregation(empty, now)).toEqual({ daily: [], monthly: [] });
  });

  it("catches up one day per step from the first event's day through yesterday", () => {
    const plan = planAggregation({ ...empty, earliestEvent: d("2026-03-06T13:00:00Z") }, now);
    expect(plan.daily).toEqual([day("2026-03-06"), day("2026-03-07"), day("2026-03-08"), day("2026-03-09")]);
    // Months wait for their days: none is rolled up yet.
    expect(plan.monthly).toEqual([]);
  });

  it("rolls up each closed month once its days are, one month per step", () => {
    const state = {
      ...empty,
      earliestEvent: d("2026-01-20T13:00:00Z"),
      dailyRolledThrough: d("2026-03-10T00:00:00Z"),
    };
    expect(planAggregation(state, now)).toEqual({
      daily: [],
      monthly: [month("2026-01", "2026-02"), month("2026-02", "2026-03")],
    });
  });

  it("rolls up only what is missing after missed runs, and no month whose days are not done", () => {
    const state = {
      ...empty,
      earliestEvent: d("2025-06-01T00:00:00Z"),
      dailyRolledThrough: d("2026-02-27T00:00:00Z"),
      monthlyRolledThrough: d("2026-01-01T00:00:00Z"),
    };
    const plan = planAggregation(state, now);
    expect(plan.daily.map((step) => step.start.toISOString().slice(0, 10))).toEqual([
      "2026-02-27",
      "2026-02-28",
      "2026-03-01",
      "2026-03-02",
      "2026-03-03",
      "2026-03-04",
      "2026-03-05",
      "2026-03-06",
      "2026-03-07",
      "2026-03-08",
      "2026-03-09",
    ]);
    // January's days are done; February's are not, so it waits for a later run.
    expect(plan.monthly).toEqual([month("2026-01", "2026-02")]);
  });

  it("re-rolls late days for the organizations that received them, and their marked months", () => {
    const state = {
      ...empty,
      dailyRolledThrough: d("2026-03-10T00:00:00Z"),
      monthlyRolledThrough: d("2026-03-01T00:00:00Z"),
      dirtyDays: [
        { day: d("2026-03-02T00:00:00Z"), orgId: B },
        { day: d("2026-03-02T00:00:00Z"), orgId: A },
        { day: d("2026-03-04T00:00:00Z"), orgId: A },
      ],
      dirtyMonths: [
        { month: d("2026-01-01T00:00:00Z"), orgId: B },
        { month: d("2026-01-01T00:00:00Z"), orgId: A },
      ],
    };
    expect(planAggregation(state, now)).toEqual({
      daily: [day("2026-03-02", [A, B]), day("2026-03-04", [A])],
      monthly: [month("2026-01", "2026-02", [A, B])],
    });
  });

  it("does not plan a late day twice when the catch-up covers it", () => {
    const state = {
      ...empty,
      dailyRolledThrough: d("2026-03-08T00:00:00Z"),
      monthlyRolledThrough: d("2026-03-01T00:00:00Z"),
      dirtyDays: [
        { day: d("2026-03-08T00:00:00Z"), orgId: A },
        { day: d("2026-03-01T00:00:00Z"), orgId: A },
      ],
    };
    expect(planAggregation(state, now).daily).toEqual([
      day("2026-03-08"),
      day("2026-03-09"),
      day("2026-03-01", [A]),
    ]);
  });

  it("holds a month back while its days have late marks, and every month after it", () => {
    const state = {
      ...empty,
      dailyRolledThrough: d("2026-03-10T00:00:00Z"),
      monthlyRolledThrough: d("2026-01-01T00:00:00Z"),
      dirtyDays: [{ day: d("2026-01-15T00:00:00Z"), orgId: A }],
      dirtyMonths: [{ month: d("2026-01-01T00:00:00Z"), orgId: B }],
    };
    const plan = planAggregation(state, now);
    expect(plan.daily).toEqual([day("2026-01-15", [A])]);
    expect(plan.monthly).toEqual([]);
  });
});
