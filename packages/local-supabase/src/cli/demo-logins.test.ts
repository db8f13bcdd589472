import { describe, expect, it } from "vitest";
import { parseDemoLogins } from "./demo-logins.ts";

describe("parseDemoLogins", () => {
  it("reads the demo-login comment lines of a seed file", () => {
    const seed = [
      "-- Demo data",
      "-- demo-login: admin@example.com / admin-pass-1 (platform admin)",
      "--demo-login: owner@acme.test / two words pass (org owner, Pro plan)",
      "insert into x values ('-- demo-login: not@a.comment / nope (no)');",
      "-- demo-login: broken line without password",
    ].join("\n");
    expect(parseDemoLogins(seed)).toEqual([
      { email: "admin@example.com", password: "admin-pass-1", label: "platform admin" },
      { email: "owner@acme.test", password: "two words pass", label: "org owner, Pro plan" },
    ]);
  });
});
