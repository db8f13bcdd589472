import { describe, expect, it } from "vitest";

import { safeNextPath, signUpSchema } from "./schemas";

describe("safeNextPath", () => {
  it.each([
    ["/en/usage", "/en/usage"],
    ["/en/usage?period=week", "/en/usage?period=week"],
  ])("follows the same-site path %s", (next, expected) => {
    expect(safeNextPath(next, "/en")).toBe(expected);
  });

  it.each([
    undefined,
    "",
    "https://evil.example",
    "//evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
  ])("falls back for %s", (next) => {
    expect(safeNextPath(next, "/en")).toBe("/en");
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
