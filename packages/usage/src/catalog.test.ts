import { describe, expect, it } from "vitest";

import { usageEventInputSchema } from "./catalog";
import { findUnsafeTextAt, textProblem } from "./text";

const base = {
  eventType: "record_created",
  userId: "00000000-0000-4000-8000-000000000001",
  orgId: "00000000-0000-4000-8000-000000000002",
} as const;

function issues(input: Record<string, unknown>) {
  const result = usageEventInputSchema.safeParse({ ...base, ...input });
  expect(result.success).toBe(false);
  return result.error?.issues.map((issue) => [issue.path.join("."), issue.message]);
}

describe("usageEventInputSchema and text Postgres cannot store", () => {
  it("accepts ordinary text, emoji and accents anywhere in event_data", () => {
    const result = usageEventInputSchema.safeParse({
      ...base,
      eventData: { source: "app", note: "Ünïcødé 😀", nested: { list: ["日本", { "kéy 😀": "v" }] } },
      idempotencyKey: "record_created:😀",
    });
    expect(result.success).toBe(true);
  });

  it("refuses a NUL or an unpaired surrogate in an event_data value, at any depth", () => {
    expect(issues({ eventData: { note: "a\u0000b" } })).toEqual([
      ["eventData.note", "contains a NUL character"],
    ]);
    expect(issues({ eventData: { nested: { list: ["ok", "\ud800"] } } })).toEqual([
      ["eventData.nested.list.1", "contains an invalid Unicode character (unpaired surrogate)"],
    ]);
  });

  it("refuses a NUL or an unpaired surrogate in an event_data key, at any depth", () => {
    expect(issues({ eventData: { "bad\u0000key": 1 } })).toEqual([
      ["eventData.bad\\u0000key", "key contains a NUL character"],
    ]);
    expect(issues({ eventData: { nested: [{ "\udc00": "v" }] } })).toEqual([
      ["eventData.nested.0.\\udc00", "key contains an invalid Unicode character (unpaired surrogate)"],
    ]);
  });

  it("refuses a NUL or an unpaired surrogate in the idempotency key", () => {
    expect(issues({ idempotencyKey: "k\u0000" })).toEqual([["idempotencyKey", "contains a NUL character"]]);
    expect(issues({ idempotencyKey: "\ud83dk" })).toEqual([
      ["idempotencyKey", "contains an invalid Unicode character (unpaired surrogate)"],
    ]);
  });

  it("refuses unsafe text in the fields every event type declares", () => {
    const result = usageEventInputSchema.safeParse({
      ...base,
      eventType: "api_call",
      eventData: { route: "/api/v1/records\u0000", method: "GET", status: 200 },
    });
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual(["eventData.route"]);
  });
});

describe("findUnsafeTextAt", () => {
  it("returns path segments, prefixed, and null when all text is storable", () => {
    expect(findUnsafeTextAt({ a: [{ b: "\u0000" }] }, ["eventData"])).toEqual({
      path: ["eventData", "a", 0, "b"],
      problem: "contains a NUL character",
    });
    expect(findUnsafeTextAt({ a: ["😀", 1, null, { b: true }] })).toBeNull();
  });

  it("textProblem tells NULs from unpaired surrogates", () => {
    expect(textProblem("ok 😀")).toBeNull();
    expect(textProblem("\u0000")).toBe("contains a NUL character");
    expect(textProblem("\udfff")).toBe("contains an invalid Unicode character (unpaired surrogate)");
  });
});

describe("usageEventInputSchema and event_data shapes that cannot be stored", () => {
  it("refuses event_data nested too deeply to be written as JSON, instead of throwing", () => {
    let deep: unknown = "leaf";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => usageEventInputSchema.safeParse({ ...base, eventData: { deep } })).not.toThrow();
    expect(issues({ eventData: { deep } })).toContainEqual([
      "eventData",
      "must be at most 4096 bytes as JSON",
    ]);
  });
});
