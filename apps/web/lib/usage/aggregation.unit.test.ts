import { describe, expect, it } from "vitest";

import { planAggregation, type AggregationState } from "./aggregation";

const d = (iso: string) => new Date(iso);
const now = d("2026-03-10T01:00:00Z");
const empty: AggregationState = {
  dailyRolledThrough: null,
  monthlyRolledThrough: null,
  earliestEvent: null,
  dirtyDays: [],
  dirtyMonths: [],
};

describe("planAggregation", () => {
  it("does nothing without events", () => {
    expect(planAggregation(empty, now)).toEqual({ daily: [], monthly: [] });
  });

  it("catches up from the first event's day through yesterday, and every closed month", () => {
    const plan = planAggregation({ ...empty, earliestEvent: d("2026-01-20T13:00:00Z") }, now);
    expect(plan.daily).toEqual([{ start: d("2026-01-20T00:00:00Z"), end: d("2026-03-10T00:00:00Z") }]);
    expect(plan.monthly).toEqual([{ start: d("2026-01-01T00:00:00Z"), end: d("2026-03-01T00:00:00Z") }]);
  });

  it("rolls up only what is missing after missed runs", () => {
    const state = {
      ...empty,
      earliestEvent: d("2025-06-01T00:00:00Z"),
      dailyRolledThrough: d("2026-03-07T00:00:00Z"),
      monthlyRolledThrough: d("2026-03-01T00:00:00Z"),
    };
    expect(planAggregation(state, now)).toEqual({
      daily: [{ start: d("2026-03-07T00:00:00Z"), end: d("2026-03-10T00:00:00Z") }],
      monthly: [],
    });
  });

  it("re-rolls late days in gap-free stretches, and the closed months they touched", () => {
    const state = {
      ...empty,
      earliestEvent: d("2025-06-01T00:00:00Z"),
      dailyRolledThrough: d("2026-03-10T00:00:00Z"),
      monthlyRolledThrough: d("2026-03-01T00:00:00Z"),
      dirtyDays: [d("2026-02-27T00:00:00Z"), d("2026-02-28T00:00:00Z"), d("2026-03-02T00:00:00Z")],
      dirtyMonths: [d("2026-02-01T00:00:00Z")],
    };
    expect(planAggregation(state, now)).toEqual({
      daily: [
        { start: d("2026-02-27T00:00:00Z"), end: d("2026-03-01T00:00:00Z") },
        { start: d("2026-03-02T00:00:00Z"), end: d("2026-03-03T00:00:00Z") },
      ],
      monthly: [{ start: d("2026-02-01T00:00:00Z"), end: d("2026-03-01T00:00:00Z") }],
    });
  });

  it("does not plan a late day twice when the catch-up covers it", () => {
    const state = {
      ...empty,
      dailyRolledThrough: d("2026-03-05T00:00:00Z"),
      monthlyRolledThrough: d("2026-03-01T00:00:00Z"),
      dirtyDays: [d("2026-03-06T00:00:00Z"), d("2026-03-01T00:00:00Z")],
    };
    expect(planAggregation(state, now).daily).toEqual([
      { start: d("2026-03-05T00:00:00Z"), end: d("2026-03-10T00:00:00Z") },
      { start: d("2026-03-01T00:00:00Z"), end: d("2026-03-02T00:00:00Z") },
    ]);
  });
});
