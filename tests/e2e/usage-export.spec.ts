// Exports from the usage page in Chromium against the production build and the seeded stack: the
// buttons link to the page's scope and period, the download starts at once and its rows equal SQL,
// a plain member gets only their own rows, and the endpoint answers bad or forbidden requests with
// clear 4xx JSON.
import { readFile } from "node:fs/promises";

import { parse } from "csv-parse/sync";
import postgres from "postgres";

import { e2eStack } from "./stack";
import { expect, signIn, test } from "./support";

const ACME = "aaaaaaaa-0000-4000-8000-000000000001";
const BOB = "44444444-4444-4444-8444-444444444444";
const DAY = 86_400_000;

const db = postgres(e2eStack().dbUrl, { max: 2, onnotice: () => undefined });
test.afterAll(() => db.end());

/** The last 7 UTC days including today, as the page's "Last 7 days" shows them. */
function week() {
  const today = new Date(Math.floor(Date.now() / DAY) * DAY);
  const from = new Date(today.getTime() - 6 * DAY);
  const to = new Date(today.getTime() + DAY);
  const date = (d: Date) => d.toISOString().slice(0, 10);
  return { from, to, fromDate: date(from), lastDate: date(today) };
}

/** The events of a scope and range in the file's order, and which of them were stored before `before`. */
async function eventIds(orgId: string, userId: string | null, from: Date, to: Date, before: Date) {
  const rows = await db<{ id: string; stored: boolean }[]>`
    select id::text, received_at < ${before} as stored from public.usage_events
    where org_id = ${orgId} and (${userId}::uuid is null or user_id = ${userId}::uuid)
      and created_at >= ${from} and created_at < ${to}
    order by created_at, id`;
  return {
    all: new Set(rows.map((row) => row.id)),
    before: rows.filter((row) => row.stored).map((row) => row.id),
  };
}

/**
 * The file equals SQL: every event stored before the download is in it, in order, and nothing
 * else is but events stored while it ran (the app meters page views as it goes).
 */
function expectSameEvents(fileIds: string[], sql: { all: Set<string>; before: string[] }) {
  const stored = new Set(sql.before);
  expect(fileIds.filter((id) => stored.has(id))).toEqual(sql.before);
  expect(fileIds.filter((id) => !sql.all.has(id))).toEqual([]);
  expect(sql.before.length).toBeGreaterThan(0);
}

async function dbNow() {
  const [row] = await db<{ now: Date }[]>`select clock_timestamp() as now`;
  return row?.now ?? new Date();
}

test.describe("usage exports", () => {
  test("an owner downloads the week's raw events as CSV, equal to SQL", async ({ page }) => {
    const { from, to, fromDate, lastDate } = week();
    await signIn(page);
    await page.goto(`/en/usage?org=${ACME}&period=week`);
    const exportGroup = page.getByTestId("usage-export");
    await expect(exportGroup).toBeVisible();
    const csv = page.getByTestId("usage-export-csv");
    // The page's daily buckets are the default; the link names the scope and the period.
    await expect(page.getByTestId("usage-export-granularity")).toHaveText(/Daily totals/);
    await expect(csv).toHaveAttribute(
      "href",
      `/api/usage/export?org=${ACME}&scope=org&from=${fromDate}&to=${lastDate}&granularity=daily&format=csv`,
    );
    await page.getByTestId("usage-export-granularity").click();
    await page.getByRole("option", { name: "Raw events" }).click();
    await expect(csv).toHaveAttribute("href", /granularity=raw&format=csv$/);

    const before = await dbNow();
    const [download] = await Promise.all([page.waitForEvent("download"), csv.click()]);
    expect(download.suggestedFilename()).toBe(`usage_acme-corp_org_${fromDate}_${lastDate}_raw.csv`);
    const text = await readFile((await download.path()) as string, "utf8");
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expectSameEvents(
      rows.map((row) => row.event_id ?? ""),
      await eventIds(ACME, null, from, to, before),
    );
    expect(rows.every((row) => row.org_id === ACME && row.org_name === "Acme Corp")).toBe(true);
    await expect(page.getByTestId("usage-page")).toBeVisible();
  });

  test("daily totals in JSON Lines: one line per member and day, summing to the page's cards", async ({
    page,
  }) => {
    const { fromDate, lastDate } = week();
    await signIn(page);
    await page.goto(`/en/usage?org=${ACME}&period=week`);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByTestId("usage-export-jsonl").click(),
    ]);
    expect(download.suggestedFilename()).toBe(`usage_acme-corp_org_${fromDate}_${lastDate}_daily.jsonl`);
    const lines = (await readFile((await download.path()) as string, "utf8"))
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, number | string | null>);
    expect(lines.length).toBeGreaterThan(0);
    const total = (column: string) => lines.reduce((sum, line) => sum + Number(line[column] ?? 0), 0);
    const card = async (metric: string) =>
      Number(
        ((await page.getByTestId(`card-${metric}`).getByTestId("card-value").textContent()) ?? "").replace(
          /[^\d]/g,
          "",
        ),
      );
    expect(total("records_created")).toBe(await card("record_created"));
    expect(total("ai_tokens")).toBe(await card("ai_tokens_used"));
    expect(total("automation_runs")).toBe(await card("automation_run"));
  });

  test("a member's export has only their own rows, and asking for more is refused", async ({ page }) => {
    const { from, to, fromDate, lastDate } = week();
    await signIn(page, { email: "bob@acme.test", password: "demo-password-1" });
    await page.goto(`/en/usage?org=${ACME}&period=week`);
    const csv = page.getByTestId("usage-export-csv");
    await expect(csv).toHaveAttribute(
      "href",
      new RegExp(`org=${ACME}&member=${BOB}&from=${fromDate}&to=${lastDate}`),
    );
    await page.getByTestId("usage-export-granularity").click();
    await page.getByRole("option", { name: "Raw events" }).click();
    const before = await dbNow();
    const [download] = await Promise.all([page.waitForEvent("download"), csv.click()]);
    expect(download.suggestedFilename()).toBe(
      `usage_acme-corp_member-bob-stone_${fromDate}_${lastDate}_raw.csv`,
    );
    const rows = parse(await readFile((await download.path()) as string, "utf8"), {
      columns: true,
    }) as Record<string, string>[];
    expectSameEvents(
      rows.map((row) => row.event_id ?? ""),
      await eventIds(ACME, BOB, from, to, before),
    );
    expect(rows.every((row) => row.user_id === BOB)).toBe(true);

    const orgWide = await page.request.get(
      `/api/usage/export?org=${ACME}&scope=org&from=${fromDate}&to=${lastDate}`,
    );
    expect(orgWide.status()).toBe(403);
    expect(await orgWide.json()).toMatchObject({ error: { code: "forbidden", message: /^scope: / } });
  });

  test("the endpoint answers bad, forbidden and signed-out requests with clear JSON", async ({
    page,
    request,
  }) => {
    const signedOut = await request.get(`/api/usage/export?org=${ACME}&from=2026-01-01&to=2026-01-31`);
    expect(signedOut.status()).toBe(401);

    await signIn(page);
    const cases: [string, number, RegExp][] = [
      [`org=${ACME}&from=2026-01-01`, 400, /^Invalid parameter to: is required/],
      [
        `org=${ACME}&from=2026-01-01&to=2026-01-31&granularity=hourly`,
        400,
        /^Invalid parameter granularity: /,
      ],
      [`org=${ACME}&from=2024-01-01&to=2026-01-31`, 400, /^Invalid parameter to: .*400 days/],
      [`scope=platform&from=2026-01-01&to=2026-01-31`, 403, /platform admins/],
    ];
    for (const [query, status, message] of cases) {
      const response = await page.request.get(`/api/usage/export?${query}`);
      expect(response.status(), query).toBe(status);
      expect(((await response.json()) as { error: { message: string } }).error.message, query).toMatch(
        message,
      );
    }
  });

  test("a platform admin exports every organization's usage", async ({ page }) => {
    const { from, to, fromDate, lastDate } = week();
    await signIn(page, { email: "admin@example.com", password: "admin-password-1" });
    const response = await page.request.get(
      `/api/usage/export?scope=platform&from=${fromDate}&to=${lastDate}&granularity=monthly&metrics=record_created,storage_used`,
    );
    expect(response.status()).toBe(200);
    expect(response.headers()["content-disposition"]).toContain(
      `usage_all-organizations_platform_${fromDate}_${lastDate}_monthly.csv`,
    );
    const rows = parse(await response.text(), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0] ?? {}).slice(-3)).toEqual([
      "records_created",
      "storage_bytes",
      "storage_change_bytes",
    ]);
    const [created] = await db<{ n: number }[]>`
      select count(*)::int as n from public.usage_events
      where event_type = 'record_created' and created_at >= ${from} and created_at < ${to}`;
    expect(rows.reduce((sum, row) => sum + Number(row.records_created), 0)).toBe(created?.n);
    expect(new Set(rows.map((row) => row.org_id)).size).toBeGreaterThan(1);
  });
});
