import { afterEach, describe, expect, it } from "vitest";
import { isLocalUrl, portFromEnv } from "./settings.ts";

const saved = process.env.LOCAL_SUPABASE_TEST_PORT;
afterEach(() => {
  if (saved === undefined) delete process.env.LOCAL_SUPABASE_TEST_PORT;
  else process.env.LOCAL_SUPABASE_TEST_PORT = saved;
});

describe("isLocalUrl", () => {
  it("tells the local stack from a hosted project", () => {
    expect(isLocalUrl("http://127.0.0.1:54321")).toBe(true);
    expect(isLocalUrl("http://localhost:54321")).toBe(true);
    expect(isLocalUrl("https://abcd.supabase.co")).toBe(false);
    expect(isLocalUrl("not a url")).toBe(false);
  });
});

describe("portFromEnv", () => {
  it("uses the fallback when unset and rejects nonsense", () => {
    delete process.env.LOCAL_SUPABASE_TEST_PORT;
    expect(portFromEnv("LOCAL_SUPABASE_TEST_PORT", 54321)).toBe(54321);
    process.env.LOCAL_SUPABASE_TEST_PORT = "6000";
    expect(portFromEnv("LOCAL_SUPABASE_TEST_PORT", 54321)).toBe(6000);
    process.env.LOCAL_SUPABASE_TEST_PORT = "http";
    expect(() => portFromEnv("LOCAL_SUPABASE_TEST_PORT", 54321)).toThrow(/must be a port number/);
  });
});
