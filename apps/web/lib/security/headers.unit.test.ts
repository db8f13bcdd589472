import { describe, expect, it } from "vitest";

import {
  buildContentSecurityPolicy,
  createNonce,
  isHttpsRequest,
  securityHeaders,
  supabaseOrigins,
} from "./headers";

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(";").map((directive) => {
      const [name = "", ...values] = directive.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

const base = { nonce: "abc123==", supabaseUrl: "http://127.0.0.1:54321", dev: false, https: false };

describe("buildContentSecurityPolicy", () => {
  it("allows Next.js's nonced scripts and the Supabase API", () => {
    const csp = buildContentSecurityPolicy(base);
    expect(csp).toBe(
      [
        "default-src 'self'",
        "script-src 'self' 'nonce-abc123==' 'strict-dynamic'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' blob: data:",
        "font-src 'self'",
        "connect-src 'self' http://127.0.0.1:54321 ws://127.0.0.1:54321",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
        "object-src 'none'",
      ].join("; "),
    );
  });

  it("adds 'unsafe-eval' only in development", () => {
    expect(directives(buildContentSecurityPolicy({ ...base, dev: true })).get("script-src")).toEqual([
      "'self'",
      "'nonce-abc123=='",
      "'strict-dynamic'",
      "'unsafe-eval'",
    ]);
    expect(buildContentSecurityPolicy(base)).not.toContain("unsafe-eval");
  });

  it("upgrades insecure requests only over HTTPS", () => {
    expect(
      directives(buildContentSecurityPolicy({ ...base, https: true })).has("upgrade-insecure-requests"),
    ).toBe(true);
    expect(buildContentSecurityPolicy(base)).not.toContain("upgrade-insecure-requests");
  });

  it("uses the origin, not the path, of a hosted Supabase project", () => {
    const csp = buildContentSecurityPolicy({ ...base, supabaseUrl: "https://abc.supabase.co/some/path" });
    expect(directives(csp).get("connect-src")).toEqual([
      "'self'",
      "https://abc.supabase.co",
      "wss://abc.supabase.co",
    ]);
  });

  it("keeps connect-src to 'self' without a usable Supabase URL", () => {
    for (const supabaseUrl of [undefined, "", "not a url", "ftp://files.example"]) {
      expect(directives(buildContentSecurityPolicy({ ...base, supabaseUrl })).get("connect-src")).toEqual([
        "'self'",
      ]);
    }
  });
});

describe("supabaseOrigins", () => {
  it("pairs the API origin with its WebSocket origin", () => {
    expect(supabaseOrigins("https://abc.supabase.co")).toEqual([
      "https://abc.supabase.co",
      "wss://abc.supabase.co",
    ]);
    expect(supabaseOrigins("http://localhost:54321/")).toEqual([
      "http://localhost:54321",
      "ws://localhost:54321",
    ]);
  });
});

describe("securityHeaders", () => {
  it("sends the static headers and the CSP, without HSTS over http", () => {
    const headers = securityHeaders(base);
    expect(headers).toEqual({
      "Content-Security-Policy": buildContentSecurityPolicy(base),
      "X-Frame-Options": "DENY",
      "Referrer-Policy": "strict-origin-when-cross-origin",
      "X-Content-Type-Options": "nosniff",
      "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    });
  });

  it("adds HSTS over HTTPS", () => {
    expect(securityHeaders({ ...base, https: true })["Strict-Transport-Security"]).toBe(
      "max-age=63072000; includeSubDomains",
    );
  });
});

describe("isHttpsRequest", () => {
  it.each([
    ["https:", null, true],
    ["http:", "https", true],
    ["http:", "HTTPS", true],
    ["http:", "https, http", true],
    ["http:", null, false],
    ["http:", "", false],
    ["http:", "http", false],
    ["http:", "http, https", false],
  ])("protocol %s, x-forwarded-proto %j → %s", (protocol, forwarded, expected) => {
    expect(isHttpsRequest(protocol, forwarded)).toBe(expected);
  });
});

describe("createNonce", () => {
  it("is a fresh base64 value every time", () => {
    const nonces = new Set(Array.from({ length: 50 }, () => createNonce()));
    expect(nonces.size).toBe(50);
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });
});
