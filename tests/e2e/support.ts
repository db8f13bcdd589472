// Every spec imports `test` and `expect` from here, not from @playwright/test: this `test` fails a
// test whose pages logged a console error or threw an uncaught exception (`pageerror`), which is how
// the browser reports hydration mismatches, CSP violations, failed requests and crashed scripts.
//
// How: an automatic fixture, `browserErrors`, collects both from every page of the test's browser
// context (the `page` fixture and any page the test opens) and, when the test ends, fails it if any
// occurred, listing them. Tests that use no page (API requests only) start no browser for it.
//
// Opt-out, narrow and explicit: a test that provokes an error on purpose names it first with
// `browserErrors.allow({ text, url?, why })`. Only messages matching `text` (and `url`, where the
// console says where the message came from) are forgiven, and the test fails if the allowed error
// never happens, so an allowance cannot outlive its reason. Pages of contexts a test makes itself
// with `browser.newContext()` are not watched.
import { test as base, expect, type BrowserContext, type Page } from "@playwright/test";

export { expect };

export interface AllowedBrowserError {
  /** Matches the console message (or the uncaught error's message). */
  text: RegExp;
  /** Matches the URL the console attributes the message to (e.g. the resource that answered 404). */
  url?: RegExp;
  /** Why the test expects it; shown if it never occurs. */
  why: string;
}

interface BrowserError {
  kind: "console.error" | "pageerror";
  text: string;
  url: string;
  page: string;
}

export class BrowserErrors {
  private readonly errors: BrowserError[] = [];
  private readonly allowed: (AllowedBrowserError & { seen: number })[] = [];
  private readonly watched = new WeakSet<Page>();

  /** Forgive one error this test provokes on purpose (see the top of this file). */
  allow(error: AllowedBrowserError): void {
    this.allowed.push({ ...error, seen: 0 });
  }

  watchContext(context: BrowserContext): void {
    for (const page of context.pages()) this.watch(page);
    context.on("page", (page) => this.watch(page));
  }

  private watch(page: Page): void {
    if (this.watched.has(page)) return;
    this.watched.add(page);
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      // Chromium asks for /favicon.ico on its own (the app's icon is /icon.svg); whether that 404
      // reaches the console depends on how long the page stays open, so it is no test's error.
      if (/\/favicon\.ico$/.test(message.location().url)) return;
      this.errors.push({
        kind: "console.error",
        text: message.text(),
        url: message.location().url,
        page: page.url(),
      });
    });
    page.on("pageerror", (error) => {
      this.errors.push({ kind: "pageerror", text: error.stack ?? error.message, url: "", page: page.url() });
    });
  }

  /** The errors no allowance covers, and the allowances nothing used. */
  verify(): void {
    const unexpected = this.errors.filter((error) => {
      const allowance = this.allowed.find(
        (allowed) => allowed.text.test(error.text) && (!allowed.url || allowed.url.test(error.url)),
      );
      if (allowance) allowance.seen += 1;
      return !allowance;
    });
    expect(
      unexpected.map(
        ({ kind, text, url, page }) => `${kind} on ${page}${url ? ` (from ${url})` : ""}: ${text}`,
      ),
      "the pages this test visited logged errors",
    ).toEqual([]);
    expect(
      this.allowed.filter((allowed) => allowed.seen === 0).map((allowed) => allowed.why),
      "errors this test allowed never happened",
    ).toEqual([]);
  }
}

export const test = base.extend<{ browserErrors: BrowserErrors }>({
  browserErrors: [
    // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring pattern.
    async ({}, use) => {
      const errors = new BrowserErrors();
      await use(errors);
      // Runs after the browser context has closed: every event of the test has arrived.
      errors.verify();
    },
    { auto: true },
  ],
  context: async ({ context, browserErrors }, use) => {
    browserErrors.watchContext(context);
    await use(context);
  },
});

export const demo = { email: "demo@example.com", password: "demo-password-1" };

/** The sign-in and sign-up fields, by their labels in the page's language. */
export const authLabels = {
  en: { email: "Email", password: "Password" },
  de: { email: "E-Mail", password: "Passwort" },
};

export async function fillAuthForm(page: Page, email: string, password: string, labels = authLabels.en) {
  await page.getByLabel(labels.email).fill(email);
  await page.getByLabel(labels.password).fill(password);
  await page.getByTestId("auth-submit").click();
}

export async function signIn(page: Page, user: { email: string; password: string } = demo) {
  await page.goto("/en/sign-in");
  await fillAuthForm(page, user.email, user.password);
  await expect(page.getByTestId("header-email")).toHaveText(user.email);
}

/** Picks an organization in the header switcher and waits for the page to follow. */
export async function switchOrg(page: Page, name: string) {
  await page.getByTestId("org-switcher").click();
  await page.getByRole("option", { name }).click();
  await expect(page.getByTestId("org-switcher")).toHaveText(new RegExp(name));
}
