import { describe, expect, it } from "vitest";
import { z } from "zod";

import { profileSchema, signInSchema, signUpSchema } from "@/lib/auth/schemas";
import {
  commaSeparatedTags,
  createRecordSchema,
  listRecordsQuerySchema,
  recordTagsSchema,
} from "@/lib/records/schemas";

import { findUnsafeText, safeJsonCheck, safeText, safeTextCheck, textProblem } from "./text";

const NUL = "contains a NUL character";
const SURROGATE = "contains an invalid Unicode character (unpaired surrogate)";

describe("textProblem", () => {
  it.each([
    ["", null],
    ["plain text", null],
    ["emoji 😀 and accents é, 日本語", null],
    ["\u0000", NUL],
    ["a\u0000b", NUL],
    ["\ud800", SURROGATE],
    ["x\ud83d", SURROGATE], // high surrogate at the end
    ["\ude00x", SURROGATE], // low surrogate at the start
    ["\ude00\ud83d", SURROGATE], // a pair in the wrong order
    ["😀\ude00", SURROGATE], // a valid pair followed by a stray low surrogate
    ["\ud83d\ud83d\ude00", SURROGATE], // a stray high surrogate before a valid pair
  ])("%j → %s", (text, expected) => {
    expect(textProblem(text)).toBe(expected);
  });

  it("agrees with String.prototype.isWellFormed on every lone surrogate position", () => {
    const samples = ["a\ud800b", "a\udfffb", "\ud800\udc00", "\udbff\udfff", "\ud800\ud800\udc00"];
    for (const sample of samples) {
      const wellFormed = (sample as unknown as { isWellFormed(): boolean }).isWellFormed();
      expect(textProblem(sample) === null, JSON.stringify(sample)).toBe(wellFormed);
    }
  });
});

describe("findUnsafeText", () => {
  it("returns null when every string and key is storable", () => {
    expect(findUnsafeText({ a: ["x", { b: "😀", c: 1, d: null, e: true }], f: "" })).toBeNull();
    expect(findUnsafeText(42)).toBeNull();
    expect(findUnsafeText(undefined)).toBeNull();
  });

  it("reports a string at the root", () => {
    expect(findUnsafeText("\u0000")).toEqual({ path: "(root)", segments: [], problem: NUL });
  });

  it("reports values inside arrays and objects with their path", () => {
    expect(findUnsafeText({ title: "ok", tags: ["fine", "b\u0000d"] })).toEqual({
      path: "tags.1",
      segments: ["tags", 1],
      problem: NUL,
    });
    expect(findUnsafeText({ a: { b: [{ c: "\ud800" }] } })?.path).toBe("a.b.0.c");
  });

  it("reports keys, escaped in the path", () => {
    const found = findUnsafeText({ data: { "k\u0000y": 1 } });
    expect(found).toEqual({
      path: "data.k\\u0000y",
      segments: ["data", "k\\u0000y"],
      problem: `key ${NUL}`,
    });
    expect(findUnsafeText({ "\udc00": "v" })?.problem).toBe(`key ${SURROGATE}`);
    expect(findUnsafeText({ "\udc00": "v" })?.path).toBe("\\udc00");
  });

  it("reports the first problem in document order", () => {
    expect(findUnsafeText({ a: { x: "\u0000" }, "b\u0000": 1 })?.path).toBe("a.x");
    expect(findUnsafeText({ "a\u0000": "\ud800", b: "\u0000" })?.path).toBe("a\\u0000");
    expect(findUnsafeText(["ok", ["\ud800"], "\u0000"])?.path).toBe("1.0");
  });

  it("prefixes the path it is given", () => {
    expect(findUnsafeText({ k: "\u0000" }, ["event_data"])?.path).toBe("event_data.k");
  });

  it("skips values that are not strings, arrays or plain objects", () => {
    class Box {
      text = "\u0000";
    }
    expect(
      findUnsafeText({ when: new Date(), box: new Box(), map: new Map([["\u0000", "\u0000"]]) }),
    ).toBeNull();
    expect(findUnsafeText(Object.assign(Object.create(null), { a: "\u0000" }))?.path).toBe("a");
  });

  it("sees what JSON.parse makes of the \\u0000 and lone surrogate escapes", () => {
    expect(findUnsafeText(JSON.parse('{"title":"a\\u0000b"}'))?.path).toBe("title");
    expect(findUnsafeText(JSON.parse('{"tags":["\\ud800"]}'))?.problem).toBe(SURROGATE);
  });

  it("walks very deep JSON without overflowing the stack", () => {
    const depth = 50_000;
    const deep = JSON.parse(`${"[".repeat(depth)}"\\u0000"${"]".repeat(depth)}`);
    expect(findUnsafeText(deep)?.segments).toHaveLength(depth);
  });

  it("stops at cycles", () => {
    const cyclic: Record<string, unknown> = { a: "ok" };
    cyclic.self = cyclic;
    expect(findUnsafeText(cyclic)).toBeNull();
  });
});

describe("safeText and safeTextCheck", () => {
  it("refuse unsafe strings with the problem as the message", () => {
    expect(safeText().safeParse("fine").success).toBe(true);
    expect(safeText().safeParse("a\u0000").error?.issues[0]?.message).toBe(NUL);
    const schema = z.object({ name: z.string().trim().max(10).check(safeTextCheck()) });
    expect(schema.safeParse({ name: "\ud800" }).error?.issues).toMatchObject([
      { path: ["name"], message: SURROGATE },
    ]);
  });

  it("safeJsonCheck reports the nested path of the first unsafe string or key", () => {
    const schema = z.object({ data: z.record(z.string(), z.unknown()).check(safeJsonCheck()) });
    expect(schema.safeParse({ data: { a: [1, "\u0000"] } }).error?.issues).toMatchObject([
      { path: ["data", "a", 1], message: NUL },
    ]);
    expect(schema.safeParse({ data: { a: [1, "ok"] } }).success).toBe(true);
  });
});

describe("schemas of text inputs refuse unstorable text", () => {
  function firstIssue(result: { success: boolean; error?: z.ZodError }) {
    expect(result.success).toBe(false);
    const issue = result.error?.issues[0];
    return [issue?.path.join("."), issue?.message];
  }

  it("records: title, body, tags and comma-separated tags", () => {
    expect(firstIssue(createRecordSchema.safeParse({ title: "a\u0000b" }))).toEqual(["title", NUL]);
    expect(firstIssue(createRecordSchema.safeParse({ title: "t", body: "\ud800" }))).toEqual([
      "body",
      SURROGATE,
    ]);
    expect(firstIssue(createRecordSchema.safeParse({ title: "t", tags: ["ok", "x\u0000"] }))).toEqual([
      "tags.1",
      NUL,
    ]);
    expect(firstIssue(recordTagsSchema.safeParse(["\udfff"]))).toEqual(["0", SURROGATE]);
    expect(firstIssue(commaSeparatedTags.safeParse("a, b\u0000"))).toEqual(["", NUL]);
    expect(createRecordSchema.safeParse({ title: "Ünïcødé 😀", body: "ok", tags: ["日本"] }).success).toBe(
      true,
    );
  });

  it("the list query's tag filter: unstorable text is a 400, any other text is a filter", () => {
    expect(firstIssue(listRecordsQuerySchema.safeParse({ tag: "\u0000" }))).toEqual(["tag", NUL]);
    for (const tag of ['a"b', "}", "a,b", "{x}", ")", "a\\b"]) {
      expect(listRecordsQuerySchema.safeParse({ tag }).data?.tag, tag).toBe(tag);
    }
  });

  it("sign-in, sign-up and profile fields", () => {
    expect(firstIssue(signInSchema.safeParse({ email: "a@example.com", password: "p\u0000" }))).toEqual([
      "password",
      NUL,
    ]);
    expect(
      firstIssue(signUpSchema.safeParse({ email: "a@example.com", password: "long-enough\ud800" })),
    ).toEqual(["password", SURROGATE]);
    expect(
      firstIssue(
        signUpSchema.safeParse({ email: "a@example.com", password: "long-enough", displayName: "A\u0000" }),
      ),
    ).toEqual(["displayName", NUL]);
    expect(firstIssue(profileSchema.safeParse({ displayName: "\ud800" }))).toEqual([
      "displayName",
      SURROGATE,
    ]);
    // The email format refuses these too; the refinement names the real problem alongside.
    for (const schema of [signInSchema, signUpSchema]) {
      const issues = schema.safeParse({ email: "a\u0000@example.com", password: "long-enough" }).error
        ?.issues;
      expect(issues?.map((issue) => [issue.path.join("."), issue.message])).toContainEqual(["email", NUL]);
    }
  });
});
