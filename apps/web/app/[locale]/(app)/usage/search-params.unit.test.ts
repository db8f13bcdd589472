import { describe, expect, it } from "vitest";

import { parseUsageSearchParams } from "./search-params";

const org = "aaaaaaaa-0000-4000-8000-000000000001";

describe("the usage page's URL state", () => {
  it("defaults to the billing period, the header's organization and charts", () => {
    expect(parseUsageSearchParams({})).toEqual({
      params: {
        org: null,
        period: "billing",
        custom: undefined,
        member: null,
        wantsOrgScope: false,
        view: "charts",
      },
      problems: [],
    });
  });

  it("reads every period, an org, a member, the table view and scope=org", () => {
    for (const period of ["billing", "week", "month", "year"] as const) {
      expect(parseUsageSearchParams({ period }).params.period).toBe(period);
    }
    const parsed = parseUsageSearchParams({ org, member: org, view: "table", scope: "org" });
    expect(parsed.params).toMatchObject({ org, member: org, view: "table", wantsOrgScope: true });
    expect(parsed.problems).toEqual([]);
  });

  it("reads a custom range of whole days", () => {
    const parsed = parseUsageSearchParams({ period: "custom", from: "2026-10-01", to: "2026-10-31" });
    expect(parsed.problems).toEqual([]);
    expect(parsed.params.custom).toEqual({
      from: new Date("2026-10-01T00:00:00Z"),
      to: new Date("2026-10-31T00:00:00Z"),
    });
  });

  it("turns bad input into problems and a safe default, never an exception", () => {
    const cases: [Record<string, string | string[]>, string[]][] = [
      [{ period: "decade" }, ["period_unknown"]],
      [{ period: "custom" }, ["custom_incomplete"]],
      [{ period: "custom", from: "2026-13-01", to: "2026-12-01" }, ["date_invalid"]],
      [{ period: "custom", from: "yesterday", to: "2026-12-01" }, ["date_invalid"]],
      [{ period: "custom", from: "2026-12-02", to: "2026-12-01" }, ["custom_backwards"]],
      [{ period: "custom", from: "2025-01-01", to: "2026-03-01" }, ["custom_too_long"]],
      [{ org: "not-a-uuid" }, ["org_invalid"]],
      [{ member: "'; drop table" }, ["member_invalid"]],
      [{ period: ["week", "year"] }, []],
    ];
    for (const [raw, codes] of cases) {
      const parsed = parseUsageSearchParams(raw);
      expect(
        parsed.problems.map((p) => p.code),
        JSON.stringify(raw),
      ).toEqual(codes);
      expect(["billing", "week"]).toContain(parsed.params.period);
      if (codes.length) expect(parsed.params.custom).toBeUndefined();
    }
    expect(parseUsageSearchParams({ org: "x" }).params.org).toBeNull();
    expect(parseUsageSearchParams({ period: "decade" }).problems[0]).toEqual({
      code: "period_unknown",
      value: "decade",
    });
  });
});
