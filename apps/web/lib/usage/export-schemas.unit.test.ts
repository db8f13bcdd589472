import { EVENT_TYPES } from "@repo/usage";
import { describe, expect, it } from "vitest";

import { usageExportHref } from "./export-links";
import { parseUsageExportParams, parseUsageQueryParams } from "./export-schemas";

const ORG = "aaaaaaaa-0000-4000-8000-000000000001";

function exportParams(query: string) {
  return parseUsageExportParams(new URLSearchParams(query));
}

describe("export parameters", () => {
  it("take dates as whole UTC days (to inclusive) and default to raw CSV of every metric", () => {
    const parsed = exportParams(`org=${ORG}&from=2026-11-01&to=2026-11-30`);
    expect(parsed).toEqual({
      ok: true,
      data: {
        org: ORG,
        from: new Date("2026-11-01T00:00:00Z"),
        to: new Date("2026-12-01T00:00:00Z"),
        granularity: "raw",
        format: "csv",
        metrics: [...EVENT_TYPES],
      },
    });
  });

  it("take exact instants (to exclusive) and metrics in the catalog's order, each once", () => {
    const parsed = exportParams(
      "scope=platform&from=2026-11-01T12:00:00Z&to=2026-11-02T00:00:00%2B02:00&metrics=storage_used,api_call,api_call&granularity=monthly&format=jsonl",
    );
    expect(parsed.ok && parsed.data).toMatchObject({
      scope: "platform",
      from: new Date("2026-11-01T12:00:00Z"),
      to: new Date("2026-11-01T22:00:00Z"),
      metrics: ["api_call", "storage_used"],
      granularity: "monthly",
      format: "jsonl",
    });
  });

  const bad: [string, string, RegExp][] = [
    ["to=2026-11-30", "from", /required/],
    ["from=2026-11-01", "to", /required/],
    ["from=yesterday&to=2026-11-30", "from", /date like 2026-12-01/],
    ["from=2026-02-30&to=2026-03-01", "from", /date like/],
    ["from=2026-11-30&to=2026-11-01", "to", /after from/],
    ["from=2026-11-01T10:00:00Z&to=2026-11-01T10:00:00Z", "to", /after from/],
    ["from=2025-01-01&to=2026-02-05", "to", /at most 400 days/],
    ["from=2026-11-01&to=2026-11-30&granularity=hourly", "granularity", /raw, daily, monthly/],
    ["from=2026-11-01&to=2026-11-30&format=xlsx", "format", /csv, jsonl/],
    ["from=2026-11-01&to=2026-11-30&metrics=api_call,bogus", "metrics", /unknown metric "bogus"/],
    ["from=2026-11-01&to=2026-11-30&metrics=", "metrics", /name metrics/],
    ["from=2026-11-01&to=2026-11-30&org=acme", "org", /UUID/],
    ["from=2026-11-01&to=2026-11-30&member=1", "member", /UUID/],
    ["from=2026-11-01&to=2026-11-30&scope=everything", "scope", /org, platform/],
    ["from=2026-11-01&to=2026-11-30&limit=5", "limit", /not a parameter/],
    ["from=2026-11-01&to=2026-11-30&format=csv&format=jsonl", "format", /more than once/],
    [`from=2026-11-01&to=2026-11-30&org=${ORG}%00`, "org", /NUL/],
    ["from=2026-11-01%00&to=2026-11-30", "from", /NUL/],
    [`from=2026-11-01&to=2026-11-30&scope=platform&member=${ORG}`, "member", /needs org/],
  ];
  it.each(bad)("refuse %s, naming %s", (query, path, message) => {
    const parsed = exportParams(query);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues[0]).toMatchObject({ path });
    expect(parsed.issues[0]?.message).toMatch(message);
  });

  it("round-trip the links the usage page and the console build", () => {
    const start = new Date("2026-11-01T00:00:00Z");
    const end = new Date("2026-11-25T00:00:00Z");
    const href = usageExportHref({
      org: ORG,
      scope: "org",
      from: start,
      to: end,
      granularity: "daily",
      format: "csv",
    });
    expect(href).toBe(
      `/api/usage/export?org=${ORG}&scope=org&from=2026-11-01&to=2026-11-24&granularity=daily&format=csv`,
    );
    const parsed = exportParams(new URL(href, "http://x").searchParams.toString());
    expect(parsed.ok && [parsed.data.from, parsed.data.to]).toEqual([start, end]);

    // A billing period that starts mid-day keeps its exact start.
    const billing = new Date("2026-11-03T15:20:00.000Z");
    const platform = usageExportHref({
      scope: "platform",
      from: billing,
      to: end,
      granularity: "raw",
      format: "jsonl",
      metrics: ["api_call"],
    });
    const again = exportParams(new URL(platform, "http://x").searchParams.toString());
    expect(again.ok && again.data).toMatchObject({
      scope: "platform",
      from: billing,
      to: end,
      metrics: ["api_call"],
    });
  });
});

describe("usage query parameters", () => {
  it("default to daily buckets, without grouping", () => {
    const parsed = parseUsageQueryParams(
      new URLSearchParams("metric=api_call&from=2026-11-01&to=2026-11-07"),
    );
    expect(parsed.ok && parsed.data).toEqual({
      metric: "api_call",
      from: new Date("2026-11-01T00:00:00Z"),
      to: new Date("2026-11-08T00:00:00Z"),
      window: "day",
    });
  });

  const bad: [string, string, RegExp][] = [
    ["from=2026-11-01&to=2026-11-07", "metric", /required/],
    ["metric=bytes&from=2026-11-01&to=2026-11-07", "metric", /record_created/],
    ["metric=api_call&from=2026-11-01&to=2026-11-07&window=week", "window", /day, month/],
    ["metric=api_call&from=2026-11-01&to=2026-11-07&group_by=org", "group_by", /member, dimension/],
    ["metric=record_created&from=2026-11-01&to=2026-11-07&group_by=dimension", "group_by", /no dimensions/],
    ["metric=api_call&from=2024-11-01&to=2026-11-07", "to", /400 days/],
    ["metric=api_call&from=2026-11-01&to=2026-11-07&org=x", "org", /not a parameter/],
  ];
  it.each(bad)("refuse %s, naming %s", (query, path, message) => {
    const parsed = parseUsageQueryParams(new URLSearchParams(query));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.issues[0]).toMatchObject({ path });
      expect(parsed.issues[0]?.message).toMatch(message);
    }
  });
});
