// The platform console in Chromium against the production build and the seeded stack: the admin's
// numbers equal SQL, a planted mismatch between events and records shows up, "Run aggregation now"
// logs a run, and nobody else gets in: not a member (404), not a signed-out visitor (sign-in), not
// a member replaying the admin's server action request, and not the browser bundle.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

import { parse } from "csv-parse/sync";
import postgres from "postgres";

import { e2eStack } from "./stack";
import { expect, fillAuthForm, signIn, test } from "./support";

const admin = { email: "admin@example.com", password: "admin-password-1" };
const ACME = "aaaaaaaa-0000-4000-8000-000000000001";

const db = postgres(e2eStack().dbUrl, { max: 2, onnotice: () => undefined });
test.afterAll(() => db.end());

const integer = (n: number) => new Intl.NumberFormat("en").format(n);

/** Aggregation runs logged, of one period type or all. */
async function runsLogged(periodType?: "daily" | "monthly"): Promise<number> {
  const [row] = await db<{ n: number }[]>`
    select count(*)::int as n from public.usage_aggregation_runs
    where ${periodType ?? null}::text is null or period_type = ${periodType ?? null}::text`;
  return row?.n ?? 0;
}

test.describe("the platform console", () => {
  test("sends a signed-out visitor to sign in, and back to the console after", async ({ page }) => {
    await page.goto("/en/console/analytics?period=7d");
    await expect(page).toHaveURL(/\/en\/sign-in\?next=%2Fen%2Fconsole%2Fanalytics%3Fperiod%3D7d$/);
    await fillAuthForm(page, admin.email, admin.password);
    await expect(page).toHaveURL(/\/en\/console\/analytics\?period=7d$/);
    await expect(page.getByTestId("console-period-7d")).toHaveAttribute("aria-current", "page");
    await expect(page.getByRole("heading", { name: "Platform analytics" })).toBeVisible();
  });

  test("is not found for a member, whose header has no console link", async ({ page, browserErrors }) => {
    browserErrors.allow({
      text: /404/,
      url: /\/console\/analytics/,
      why: "the console answers 404 to members",
    });
    await signIn(page);
    await expect(page.getByTestId("nav-console")).toHaveCount(0);
    for (const path of ["/en/console/analytics", `/en/console/analytics/orgs/${ACME}`]) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(404);
      await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
      await expect(page.getByTestId("console-page")).toHaveCount(0);
    }
  });

  test("shows the admin platform numbers that equal SQL over the seeded data", async ({ page }) => {
    await signIn(page, admin);
    await page.getByTestId("nav-console").click();
    await expect(page).toHaveURL(/\/en\/console\/analytics$/);

    const [counts] = await db<{ users: number; orgs: number; personal: number; mrr: number }[]>`
      select (select count(*) from public.profiles)::int as users,
             (select count(*) from public.organizations where not is_personal)::int as orgs,
             (select count(*) from public.organizations where is_personal)::int as personal,
             (select coalesce(sum(p.price_cents), 0) from public.org_subscriptions s
               join public.plans p on p.id = s.plan_id where s.status = 'active')::int as mrr`;
    await expect(page.getByTestId("console-users")).toHaveText(integer(counts!.users));
    await expect(page.getByTestId("console-organizations")).toHaveText(integer(counts!.orgs));
    await expect(page.getByText(`${integer(counts!.personal)} personal workspaces besides`)).toBeVisible();
    await expect(page.getByTestId("console-mrr")).toHaveText(
      new Intl.NumberFormat("en", { style: "currency", currency: "USD", maximumFractionDigits: 0 }).format(
        counts!.mrr / 100,
      ),
    );
    const plans = await db<{ plan: string; n: number }[]>`
      select plan_id as plan, count(*)::int as n from public.org_subscriptions
      where status in ('active', 'trialing') group by plan_id`;
    for (const plan of plans) {
      await expect(page.getByTestId(`console-subscriptions-${plan.plan}`)).toHaveAttribute(
        "data-count",
        String(plan.n),
      );
    }

    // Active people are distinct user_active senders, over 1, 7 and 30 days (not sums of daily
    // counts). The admin's own visit counts too, once the queue has written it: reload until equal.
    await expect(async () => {
      await page.reload();
      const [active] = await db<{ dau: number; wau: number; mau: number }[]>`
        select count(distinct user_id) filter (where created_at >= current_date::timestamp at time zone 'utc')::int as dau,
               count(distinct user_id) filter (where created_at >= (current_date - 6)::timestamp at time zone 'utc')::int as wau,
               count(distinct user_id)::int as mau
        from public.usage_events
        where event_type = 'user_active' and created_at >= (current_date - 29)::timestamp at time zone 'utc'`;
      expect(await page.getByTestId("console-dau").textContent()).toBe(integer(active!.dau));
      expect(await page.getByTestId("console-wau").textContent()).toBe(integer(active!.wau));
      expect(await page.getByTestId("console-mau").textContent()).toBe(integer(active!.mau));
    }).toPass({ timeout: 20_000 });

    // Platform usage over the last 30 days, and the top organizations by API calls.
    const totals = await db<{ metric: string; total: number }[]>`
      select event_type as metric, sum(quantity)::int as total from public.usage_events
      where event_type in ('record_created', 'api_call', 'automation_run', 'schedule_executed', 'ai_tokens_used')
        and created_at >= (current_date - 29)::timestamp at time zone 'utc'
        and created_at < (current_date + 1)::timestamp at time zone 'utc'
      group by event_type`;
    for (const { metric, total } of totals) {
      await expect(page.getByTestId(`card-${metric}`).getByTestId("card-value"), metric).toHaveText(
        integer(total),
      );
    }
    const top = await db<{ name: string; total: number }[]>`
      select o.name, sum(e.quantity)::int as total from public.usage_events e
      join public.organizations o on o.id = e.org_id
      where e.event_type = 'api_call'
        and e.created_at >= (current_date - 29)::timestamp at time zone 'utc'
        and e.created_at < (current_date + 1)::timestamp at time zone 'utc'
      group by o.name order by total desc limit 5`;
    const rows = page.getByTestId("console-top-api_call").getByTestId("console-top-api_call-row");
    await expect(rows).toHaveCount(top.length);
    for (const [i, row] of top.entries()) {
      await expect(rows.nth(i)).toContainText(row.name);
      await expect(rows.nth(i).locator("td").last()).toHaveText(integer(row.total));
    }

    // The seed's stories: Initech past its AI limit and Globex near its API limit; Globex's spike.
    const upsell = page.getByTestId("console-upsell");
    await expect(upsell.getByTestId("console-upsell-row").filter({ hasText: "Initech" })).toContainText(
      "100%",
    );
    await expect(upsell.getByTestId("console-upsell-row").filter({ hasText: "Globex" })).toContainText("80%");
    await expect(page.getByTestId("console-spikes").getByTestId("console-spikes-row")).toContainText([
      "Globex",
    ]);
    await expect(page.getByTestId("console-reconciliation-empty")).toContainText("agree");

    // The platform export behind the page's button: every organization, the page's 30 days, daily.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByTestId("console-export").click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^usage_all-organizations_platform_.*_daily\.csv$/);
    const csv = parse(await readFile((await download.path())!, "utf8"), { columns: true }) as Record<
      string,
      string
    >[];
    expect(new Set(csv.map((row) => row.org_id)).size).toBeGreaterThan(2);
    const apiCalls = totals.find((row) => row.metric === "api_call")?.total ?? 0;
    expect(csv.reduce((sum, row) => sum + Number(row.api_calls), 0)).toBe(apiCalls);

    // An organization's name opens what its owners see.
    await page.getByTestId("console-top-api_call").getByRole("link", { name: top[0]!.name }).click();
    await expect(page.getByTestId("console-org-name")).toHaveText(top[0]!.name);
    await expect(page.getByTestId("limit-meters")).toBeVisible();
    await expect(
      page.getByTestId("console-org-members").getByTestId("console-org-members-row").first(),
    ).toBeVisible();
  });

  test("reports a record whose usage event went missing, with the organization and the numbers", async ({
    page,
  }) => {
    const [event] = await db<Record<string, unknown>[]>`
      delete from public.usage_events
      where id = (select e.id from public.usage_events e join public.records r on e.idempotency_key = 'record_created:' || r.id
                  where r.org_id = ${ACME} order by r.created_at desc limit 1)
      returning *`;
    expect(event).toBeDefined();
    try {
      await signIn(page, admin);
      await page.goto("/en/console/analytics");
      const table = page.getByTestId("console-reconciliation");
      await expect(table.getByRole("heading")).toHaveText("1 difference");
      const row = table.getByTestId("console-reconciliation-row");
      await expect(row).toHaveCount(1);
      await expect(row).toContainText("Acme Corp");
      await expect(row).toContainText("records without their event");
      await expect(row.getByTestId("console-difference")).toHaveText("+1");
    } finally {
      await db`insert into public.usage_events ${db(event!)}`;
    }
    await page.reload();
    await expect(page.getByTestId("console-reconciliation-empty")).toBeVisible();
  });

  test("runs aggregation now for the admin; the same request replayed by a member or a visitor runs nothing", async ({
    page,
    browser,
    playwright,
    baseURL,
  }) => {
    await signIn(page, admin);
    await page.goto("/en/console/analytics");
    const before = await runsLogged();
    const beforeMonthly = await runsLogged("monthly");
    const form = page.getByTestId("console-run-form");
    await form.getByLabel("Monthly").check();
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.method() === "POST" && r.headers()["next-action"] !== undefined),
      form.getByRole("button", { name: "Run aggregation" }).click(),
    ]);
    await expect(form.getByRole("status")).toContainText(/Rolled up monthly/);
    // One run per month of the form's range (each after the daily runs of whatever of its days
    // were not rolled up yet).
    const from = await form.locator("input[name=from]").inputValue();
    const to = await form.locator("input[name=to]").inputValue();
    const months =
      (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 +
      Number(to.slice(5, 7)) -
      Number(from.slice(5, 7)) +
      1;
    expect(await runsLogged("monthly")).toBe(beforeMonthly + months);
    const afterAdmin = await runsLogged();
    expect(afterAdmin).toBeGreaterThan(before);
    await expect(page.getByTestId("console-runs").getByTestId("console-runs-row").first()).toContainText(
      "Monthly",
    );

    // The captured request, byte for byte, under a member's session and under none.
    const replay = {
      headers: {
        "next-action": request.headers()["next-action"]!,
        "content-type": request.headers()["content-type"]!,
        accept: "text/x-component",
        origin: baseURL!,
      },
      data: request.postDataBuffer()!,
      maxRedirects: 0,
    };
    const memberContext = await browser.newContext();
    const memberPage = await memberContext.newPage();
    await signIn(memberPage);
    const asMember = await memberContext.request.post(page.url(), replay);
    expect(asMember.status()).toBe(200);
    const body = await asMember.text();
    expect(body).toContain("Not found.");
    expect(body).not.toContain("Rolled up");
    await memberContext.close();

    const visitor = await playwright.request.newContext();
    const asVisitor = await visitor.post(page.url(), replay);
    expect(asVisitor.status()).toBeLessThan(500);
    expect(await asVisitor.text()).not.toContain("Rolled up");
    await visitor.dispose();
    expect(await runsLogged()).toBe(afterAdmin);
  });

  test("leaves the service-role key out of every file the browser can load", async () => {
    const root = join(process.cwd(), "apps", "web", ".next", "static");
    const files: string[] = [];
    for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) files.push(join(entry.parentPath, entry.name));
    }
    const scripts = files.filter((file) => file.endsWith(".js"));
    expect(scripts.length).toBeGreaterThan(10);
    const { serviceRoleKey, anonKey } = e2eStack();
    let sawAnonKey = false;
    for (const file of files) {
      const text = await readFile(file, "utf8");
      expect(text.includes(serviceRoleKey), file).toBe(false);
      // The public key is inlined on purpose; finding it shows the search reads the right bundle.
      sawAnonKey ||= text.includes(anonKey);
    }
    expect(sawAnonKey).toBe(true);
  });
});
