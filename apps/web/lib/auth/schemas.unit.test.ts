import { describe, expect, it } from "vitest";

import { safeNextPath, signUpSchema } from "./schemas";

describe("safeNextPath", () => {
  it.each([
    ["/en/records", "/en/records"],
    ["/en/usage", "/en/usage"],
    ["/en/usage?period=week", "/en/usage?period=week"],
    ["/en/records#top", "/en/records#top"],
    // Still encoded, `%09` is an ordinary path character that stays on this origin.
    ["/%09/evil.example", "/%09/evil.example"],
    // Normalised the way the browser would.
    ["/en/./records/../usage", "/en/usage"],
  ])("follows the same-origin path %j", (next, expected) => {
    expect(safeNextPath(next, "/en")).toBe(expected);
  });

  it.each([
    undefined,
    "",
    "https://evil.example",
    "http:evil.example",
    "//evil.example",
    "/\t/evil.example",
    // What `?next=%2F%09%2Fevil.example` decodes to.
    decodeURIComponent("/%09/evil.example"),
    "/\r/evil.example",
    "/\n/evil.example",
    "/\u000b/evil.example",
    "/\u00a0/evil.example",
    "/\u2028/evil.example",
    "/\u007f/evil.example",
    "\\evil.example",
    "\\\\evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "javascript:alert(1)",
    " /en",
    "/en\n",
    "/en ",
    "en/records",
    // Dot segments that normalise into a protocol-relative URL.
    "/a/..//evil.example",
    "/.//evil.example",
    "/%2e%2e//evil.example",
  ])("falls back for %j", (next) => {
    expect(safeNextPath(next, "/en")).toBe("/en");
  });

  it("returns the fallback as given", () => {
    expect(safeNextPath("//evil.example", "")).toBe("");
  });
});

describe("signUpSchema", () => {
  it("names what is wrong with each field", () => {
    const result = signUpSchema.safeParse({ email: "nope", password: "short" });
    expect(result.success).toBe(false);
    const messages = result.error?.issues.map((issue) => [issue.path.join("."), issue.message]);
    expect(messages).toEqual([
      ["email", "Enter a valid email address."],
      ["password", "Use at least 8 characters for your password."],
    ]);
  });

  it("trims the display name", () => {
    const result = signUpSchema.parse({
      email: "a@example.com",
      password: "long-enough",
      displayName: "  Ann ",
    });
    expect(result.displayName).toBe("Ann");
  });
});
