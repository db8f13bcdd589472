import type { APIResponse, Page } from "@playwright/test";

import { demo, expect, fillAuthForm, signIn, test } from "./support";

const STATIC_HEADERS = {
  "x-frame-options": "DENY",
  "referrer-policy": "strict-origin-when-cross-origin",
  "x-content-type-options": "nosniff",
  "permissions-policy": "camera=(), microphone=(), geolocation=()",
};

/** Each header name once: a header set both by next.config.ts and proxy.ts must not be doubled. */
function singleHeaders(response: APIResponse): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { name, value } of response.headersArray()) {
    const key = name.toLowerCase();
    if (key === "set-cookie") continue;
    expect(headers[key], `${key} sent twice`).toBeUndefined();
    headers[key] = value;
  }
  return headers;
}

/** Checks every security header of a page response sent over plain http; returns the CSP nonce. */
function expectPageHeaders(response: APIResponse): string {
  const headers = singleHeaders(response);
  expect(headers).toMatchObject(STATIC_HEADERS);
  expect(headers["strict-transport-security"]).toBeUndefined();

  const csp = headers["content-security-policy"] ?? "";
  const nonce = /'nonce-([A-Za-z0-9+/]+={0,2})'/.exec(csp)?.[1] ?? "";
  expect(nonce, `a nonce in ${csp}`).not.toBe("");
  // The Supabase API: its http origin and the matching WebSocket origin (realtime).
  const supabase = /connect-src 'self' (http:\/\/([^ ;/]+)) ws:\/\/([^ ;/]+);/.exec(csp);
  expect(supabase?.[2], `Supabase origins in ${csp}`).toBeTruthy();
  expect(supabase?.[3]).toBe(supabase?.[2]);
  expect(csp).toBe(
    [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' blob: data:",
      "font-src 'self'",
      `connect-src 'self' ${supabase?.[1]} ws://${supabase?.[2]}`,
      "frame-ancestors 'none'",
      "form-action 'self'",
      "base-uri 'self'",
      "object-src 'none'",
    ].join("; "),
  );
  return nonce;
}

/** Every script Next.js renders carries the request's nonce. */
function expectNoncedScripts(html: string, nonce: string) {
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`);
}

/** React has hydrated the element: it carries React's fiber. */
async function expectHydrated(page: Page, testId: string) {
  await expect
    .poll(() =>
      page
        .getByTestId(testId)
        .evaluate((element) => Object.keys(element).some((key) => key.startsWith("__reactFiber$"))),
    )
    .toBe(true);
}

/** Records CSP violations reported by the browser on this page, across navigations. */
async function watchCsp(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/content security policy/i.test(message.text())) violations.push(`console: ${message.text()}`);
  });
  await page.exposeFunction("__reportCspViolation", (violation: string) => violations.push(violation));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report = (window as unknown as { __reportCspViolation: (violation: string) => void })
        .__reportCspViolation;
      report(
        `${event.violatedDirective} blocked ${event.blockedURI || "inline"} (${event.sourceFile}:${event.lineNumber})`,
      );
    });
  });
  return violations;
}

/** A `@supabase/ssr` session cookie whose access token has expired and whose refresh token is bogus. */
function expiredSessionCookie(): string {
  const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const id = "00000000-0000-4000-8000-000000000000";
  const accessToken = [
    base64url({ alg: "HS256", typ: "JWT" }),
    base64url({ sub: id, exp: 1000, role: "authenticated" }),
    "c2lnbmF0dXJl",
  ].join(".");
  const session = {
    access_token: accessToken,
    token_type: "bearer",
    expires_in: 3600,
    expires_at: 1000,
    refresh_token: "not-a-refresh-token",
    user: { id, aud: "authenticated", role: "authenticated", app_metadata: {}, user_metadata: {} },
  };
  return `base64-${base64url(session)}`;
}

test.describe("security headers", () => {
  test("the sign-in page sends every header, with a fresh nonce its scripts carry", async ({ request }) => {
    const first = await request.get("/en/sign-in");
    expect(first.status()).toBe(200);
    const nonce = expectPageHeaders(first);
    expectNoncedScripts(await first.text(), nonce);

    const second = await request.get("/en/sign-in");
    expect(expectPageHeaders(second)).not.toBe(nonce);
  });

  test("redirects carry the headers too", async ({ request }) => {
    // proxy.ts's own redirect to the default locale.
    const toLocale = await request.get("/", { maxRedirects: 0 });
    expect(toLocale.status()).toBe(307);
    expect(toLocale.headers()["location"]).toMatch(/\/en$/);
    expectPageHeaders(toLocale);

    // A server component's redirect of a signed-out visitor.
    const toSignIn = await request.get("/en/records", { maxRedirects: 0 });
    expect(toSignIn.status()).toBe(307);
    expect(toSignIn.headers()["location"]).toMatch(/\/en\/sign-in\?next=/);
    expectPageHeaders(toSignIn);
  });

  test("a response whose auth cookies updateSession rewrote keeps the headers", async ({
    request,
    baseURL,
  }) => {
    // An expired session whose refresh token the auth server rejects: auth-js drops the session and
    // updateSession rebuilds the response to clear the cookie.
    const cookie = `sb-${new URL(baseURL!).hostname.split(".")[0]}-auth-token`;
    for (const path of ["/en/sign-in", "/en/records"]) {
      const response = await request.get(path, {
        headers: { cookie: `${cookie}=${expiredSessionCookie()}` },
        maxRedirects: 0,
      });
      const setCookie = response.headersArray().filter(({ name }) => name.toLowerCase() === "set-cookie");
      expect(setCookie.map(({ value }) => value)).toContainEqual(expect.stringMatching(`^${cookie}=;`));
      expectPageHeaders(response);
    }
  });

  test("HSTS and upgrade-insecure-requests only behind HTTPS", async ({ request }) => {
    const plain = await request.get("/en/sign-in");
    expect(plain.headers()["strict-transport-security"]).toBeUndefined();
    expect(plain.headers()["content-security-policy"]).not.toContain("upgrade-insecure-requests");

    const proxied = await request.get("/en/sign-in", { headers: { "x-forwarded-proto": "https" } });
    expect(proxied.headers()["strict-transport-security"]).toBe("max-age=63072000; includeSubDomains");
    expect(proxied.headers()["content-security-policy"]).toMatch(/; upgrade-insecure-requests$/);
  });

  test("the JSON API and static files send the static headers", async ({ request }) => {
    const response = await request.get("/api/v1/records");
    expect(response.status()).toBe(401);
    expect(response.headers()["content-type"]).toContain("application/json");
    const headers = singleHeaders(response);
    expect(headers).toMatchObject(STATIC_HEADERS);
    expect(headers["strict-transport-security"]).toBeUndefined();

    const proxied = await request.get("/api/v1/records", { headers: { "x-forwarded-proto": "https" } });
    expect(proxied.headers()["strict-transport-security"]).toBe("max-age=63072000; includeSubDomains");

    const icon = await request.get("/icon.svg");
    expect(icon.status()).toBe(200);
    expect(singleHeaders(icon)).toMatchObject(STATIC_HEADERS);
  });

  test("signed-in pages send the headers, load without CSP violations and work", async ({ page }) => {
    const violations = await watchCsp(page);
    await signIn(page);

    const first = await page.request.get("/en");
    expect(first.status()).toBe(200);
    const html = await first.text();
    expect(html).toContain('data-test="header-email"');
    const nonce = expectPageHeaders(first);
    expectNoncedScripts(html, nonce);
    const second = await page.request.get("/en/records");
    expect(second.status()).toBe(200);
    expect(expectPageHeaders(second)).not.toBe(nonce);

    // Hydrated: the organization switcher (a client component) opens.
    await page.goto("/en/records");
    await page.getByTestId("org-switcher").click();
    await expect(page.getByRole("option").first()).toBeVisible();
    await page.keyboard.press("Escape");
    for (const path of [
      "/en",
      "/en/automations",
      "/en/settings/api-keys",
      "/en/settings/plan",
      "/en/settings/team",
    ]) {
      await page.goto(path, { waitUntil: "networkidle" });
      await expect(page.getByTestId("header-email")).toHaveText(demo.email);
    }

    expect(violations).toEqual([]);
  });

  test("the sign-in page loads without CSP violations", async ({ page }) => {
    const violations = await watchCsp(page);
    await page.goto("/en/sign-in", { waitUntil: "networkidle" });
    await expectHydrated(page, "auth-submit");
    await fillAuthForm(page, demo.email, "not-the-password");
    await expect(page.getByTestId("form-error")).toHaveText("Wrong email or password.");
    expect(violations).toEqual([]);
  });

  test("an unknown URL gets a not-found page in its language, rendered with the nonce", async ({
    page,
    request,
    browserErrors,
  }) => {
    // Rendered per request (app/global-not-found.tsx), not Next.js's prebuilt 404 page, whose
    // scripts carry no nonce.
    const response = await request.get("/en/does/not/exist");
    expect(response.status()).toBe(404);
    const html = await response.text();
    expect(html).toContain('<html lang="en">');
    expectNoncedScripts(html, expectPageHeaders(response));

    // Chromium logs the document's own 404 status as a console error; nothing else may appear.
    browserErrors.allow({
      text: /the server responded with a status of 404/,
      url: /\/(en\/does\/not\/exist|de\/gibt\/es\/nicht)$/,
      why: "the browser reports the 404 status of the page itself",
    });
    const violations = await watchCsp(page);
    await page.goto("/en/does/not/exist");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
    await expect(page).toHaveTitle("Page not found · Meterline");
    await expectHydrated(page, "not-found");
    await page.getByRole("link", { name: "Go home" }).click();
    // Home, which sends a signed-out visitor to sign in.
    await expect(page).toHaveURL(/\/en\/sign-in/);

    await page.goto("/de/gibt/es/nicht");
    await expect(page.locator("html")).toHaveAttribute("lang", "de");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Seite nicht gefunden");
    await expect(page.getByRole("link", { name: "Zur Startseite" })).toHaveAttribute("href", "/de");
    expect(violations).toEqual([]);
  });

  test("a `next` that escapes to another site is not followed after sign-in", async ({ page, baseURL }) => {
    const violations = await watchCsp(page);
    // Should the redirect escape, fail fast instead of resolving evil.example.
    await page.route(
      (url) => url.hostname.endsWith("evil.example"),
      (route) => route.abort(),
    );
    await page.goto("/en/sign-in?next=%2F%09%2Fevil.example");
    await fillAuthForm(page, demo.email, demo.password);
    await expect(page.getByTestId("header-email")).toHaveText(demo.email);
    expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
    expect(new URL(page.url()).pathname).toBe("/en");
    expect(violations).toEqual([]);
  });
});
