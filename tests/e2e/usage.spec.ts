// The usage dashboard in Chromium against the production build and the seeded stack: the numbers
// equal SQL over raw events, a new record shows at once, every control changes the data and the
// URL, limits warn and alert, and a plain member sees only their own usage.
import postgres from "postgres";

import { e2eStack } from "./stack";
import { expect, signIn, switchOrg, test } from "./support";

const ACME = "aaaaaaaa-0000-4000-8000-000000000001";
const GLOBEX = "bbbbbbbb-0000-4000-8000-000000000002";
const DEMO = "11111111-1111-4111-8111-111111111111";
const BOB = "44444444-4444-4444-8444-444444444444";
const COUNTERS = [
  "record_created",
  "api_call",
  "automation_run",
  "schedule_executed",
  "ai_tokens_used",
] as const;

const db = postgres(e2eStack().dbUrl, { max: 2, onnotice: () => undefined });
test.afterAll(() => db.end());

/** The last 7 UTC days including today, straight from raw events. */
async function weekFromRawEvents(orgId: string, userId: string | null) {
  const rows = await db<{ metric: string; total: string }[]>`
    select event_type as metric,
           case when event_type = 'user_active' then count(distinct user_id) else sum(quantity) end::text as total
    from public.usage_events
    where org_id = ${orgId} and (${userId}::uuid is null or user_id = ${userId}::uuid)
      and created_at >= (current_date - 6)::timestamp at time zone 'utc'
      and created_at < (current_date + 1)::timestamp at time zone 'utc'
    group by event_type`;
  return Object.fromEntries(rows.map((row) => [row.metric, Number(row.total)]));
}

const number = (text: string | null) => Number((text ?? "").replace(/[^\d]/g, ""));

test.describe("the usage dashboard", () => {
  test("an owner's week equals SQL over raw events, card by card and bucket by bucket", async ({ page }) => {
    await signIn(page);
    await page.getByRole("link", { name: "Usage", exact: true }).click();
    await expect(page).toHaveURL(/\/en\/usage$/);
    await expect(page.getByTestId("usage-scope")).toContainText("Acme Corp");
    await page.getByTestId("usage-period").click();
    await page.getByRole("option", { name: "Last 7 days" }).click();
    await expect(page).toHaveURL(/period=week/);

    const expected = await weekFromRawEvents(ACME, null);
    for (const metric of [...COUNTERS, "user_active"]) {
      await expect(page.getByTestId(`card-${metric}`).getByTestId("card-value"), metric).toHaveText(
        new Intl.NumberFormat("en").format(expected[metric] ?? 0),
      );
    }

    // The table shows the same numbers: seven days, each counter's column adding up to its card.
    await page.getByTestId("trends-toggle").click();
    await expect(page).toHaveURL(/view=table/);
    const rows = page.getByTestId("trends-row");
    await expect(rows).toHaveCount(7);
    for (const metric of COUNTERS) {
      const cells = await page.locator(`[data-test=trends-row] td[data-metric=${metric}]`).allTextContents();
      expect(
        cells.reduce((sum, cell) => sum + number(cell), 0),
        metric,
      ).toBe(expected[metric] ?? 0);
    }
  });

  test("a record created a second ago is counted, on its card and in today's bucket, without a roll-up", async ({
    page,
  }) => {
    await signIn(page);
    await switchOrg(page, "Acme Corp");
    await page.goto("/en/usage?period=week&view=table");
    const card = page.getByTestId("card-record_created").getByTestId("card-value");
    const today = page.locator("[data-test=trends-row]").last().locator("td[data-metric=record_created]");
    const before = number(await card.textContent());
    const todayBefore = number(await today.textContent());
    const [runs] = await db<{ n: number }[]>`select count(*)::int as n from public.usage_aggregation_runs`;

    await page.goto("/en/records");
    const form = page.getByTestId("create-record-form");
    await form.getByLabel("Title").fill("Counted at once");
    await form.getByRole("button", { name: "Create record" }).click();
    await expect(form.getByTestId("form-success")).toBeVisible();

    // One reload shows it (no polling for a roll-up), and no roll-up ran in between.
    await page.goto("/en/usage?period=week&view=table");
    expect(number(await card.textContent())).toBe(before + 1);
    expect(number(await today.textContent())).toBe(todayBefore + 1);
    const [after] = await db<{ n: number }[]>`select count(*)::int as n from public.usage_aggregation_runs`;
    expect(after?.n).toBe(runs?.n);
  });

  test("period, organization and member pickers change the data and the URL", async ({ page }) => {
    await signIn(page);
    await page.goto(`/en/usage?org=${ACME}&period=year`);
    await expect(page.getByTestId("usage-range")).toContainText("Jan 1");
    await expect(page.getByTestId("trends-charts")).toBeVisible();

    await page.getByTestId("usage-member").click();
    await page.getByRole("option", { name: "Bob Stone" }).click();
    await expect(page).toHaveURL(new RegExp(`member=${BOB}`));
    await expect(page.getByTestId("usage-scope")).toContainText("Bob Stone's usage in Acme Corp");
    const bobsCalls = (
      await db<{ n: number }[]>`
      select count(*)::int as n from public.usage_events
      where org_id = ${ACME} and user_id = ${BOB} and event_type = 'api_call'
        and created_at >= date_trunc('year', now() at time zone 'utc') at time zone 'utc'`
    )[0]?.n;
    await expect(page.getByTestId("card-api_call").getByTestId("card-value")).toHaveText(
      new Intl.NumberFormat("en").format(bobsCalls ?? 0),
    );

    await page.getByTestId("usage-org").click();
    await page.getByRole("option", { name: "Globex" }).click();
    await expect(page).toHaveURL(new RegExp(`org=${GLOBEX}`));
    await expect(page).not.toHaveURL(/member=/);
    // The demo user is a plain member of Globex: their own usage only.
    await expect(page.getByTestId("usage-scope")).toContainText("Your usage in Globex");

    await page.getByTestId("usage-period").click();
    await page.getByRole("option", { name: "Custom range" }).click();
    const custom = page.getByTestId("usage-custom");
    await custom.locator("input[name=from]").fill("2026-01-01");
    await custom.locator("input[name=to]").fill("2026-01-31");
    await custom.getByRole("button", { name: "Show" }).click();
    await expect(page).toHaveURL(/period=custom/);
    await expect(page).toHaveURL(/from=2026-01-01/);
    await expect(page).toHaveURL(/to=2026-01-31/);
    await expect(page.getByTestId("usage-range")).toHaveText("Jan 1, 2026 – Jan 31, 2026");

    await page.goto("/en/usage?period=decade&org=nope");
    await expect(page.getByTestId("usage-problems")).toContainText("“decade” is not a period");
    await expect(page.getByTestId("usage-problems")).toContainText("That is not an organization id");

    // The header shows the organization the page shows; picking one there, the page follows it.
    await page.goto(`/en/usage?org=${GLOBEX}&period=week`);
    await expect(page.getByTestId("usage-scope")).toContainText("Your usage in Globex");
    await expect(page.getByTestId("org-switcher")).toHaveText(/Globex/);
    await switchOrg(page, "Acme Corp");
    await expect(page).not.toHaveURL(/org=/);
    await expect(page).toHaveURL(/period=week/);
    await expect(page.getByTestId("usage-scope")).toContainText("Acme Corp");
  });

  test("an organization near its API-call limit warns, forecasts and alerts its owner", async ({ page }) => {
    await signIn(page, { email: "grace@globex.test", password: "demo-password-1" });
    await expect(page.getByTestId("header-alerts")).toHaveText(/1/);
    await page.getByTestId("header-alerts").click();
    await expect(page).toHaveURL(/\/en\/usage#alerts$/);
    const meter = page.getByTestId("meter-api_call");
    await expect(meter).toHaveAttribute("data-status", "warning");
    await expect(meter.getByTestId("meter-words")).toHaveText(
      /^870 of 1,000 API calls this billing period, resets /,
    );
    await expect(meter.getByTestId("meter-forecast")).toContainText("At this rate:");
    const alert = page.getByTestId("usage-alert");
    await expect(alert).toHaveCount(1);
    await expect(alert).toContainText("API calls reached 80% of the Free plan's limit: 870 of 1,000.");
    await alert.getByRole("button", { name: "Dismiss" }).click();
    await expect(page.getByTestId("usage-alerts")).toHaveCount(0);
    await expect(page.getByTestId("header-alerts")).toHaveCount(0);
    await db`update public.usage_notifications set dismissed_at = null, dismissed_by = null where org_id = ${GLOBEX}`;
  });

  test("a plain member sees only their own usage, whatever the URL says", async ({ page }) => {
    await signIn(page, { email: "bob@acme.test", password: "demo-password-1" });
    await page.goto(`/en/usage?org=${ACME}&period=week&member=${DEMO}&scope=org`);
    await expect(page.getByTestId("usage-problems")).toContainText("You can see only your own usage");
    await expect(page.getByTestId("usage-scope")).toContainText("Your usage in Acme Corp");
    await expect(page.getByTestId("usage-member")).toHaveCount(0);
    await expect(page.getByTestId("member-table")).toHaveCount(0);
    await expect(page.getByTestId("usage-alerts")).toHaveCount(0);
    const expected = await weekFromRawEvents(ACME, BOB);
    await expect(page.getByTestId("card-api_call").getByTestId("card-value")).toHaveText(
      new Intl.NumberFormat("en").format(expected.api_call ?? 0),
    );
    // The organization's standing, in percent, not its numbers.
    await expect(page.getByTestId("meter-api_call").getByTestId("meter-words")).toHaveText(
      /% of the organization's limit this billing period$/,
    );
  });

  test("works at phone width, in German and dark", async ({ page }, testInfo) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: "dark" });
    await signIn(page);
    await page.goto("/de/usage?period=week");
    await expect(page.getByRole("heading", { name: "Nutzung" })).toBeVisible();
    await expect(page.getByTestId("sign-out")).toBeVisible();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    // Every navigation item is on screen, none cut off at the edge.
    for (const link of await page.getByRole("navigation").getByRole("link").all()) {
      const box = await link.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    }
    await page.screenshot({ path: testInfo.outputPath("usage-phone-de-dark.png"), fullPage: true });
  });
});
