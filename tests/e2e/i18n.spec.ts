import { authLabels, demo, expect, fillAuthForm, switchOrg, test } from "./support";

test.describe("languages", () => {
  test("the German pages speak German, format for Germany, and switch language in place", async ({
    page,
  }) => {
    await page.goto("/de/sign-in");
    await expect(page.locator("html")).toHaveAttribute("lang", "de");
    await expect(page.getByRole("heading", { name: "Anmelden" })).toBeVisible();
    await fillAuthForm(page, demo.email, demo.password, authLabels.de);
    await expect(page).toHaveURL(/\/de$/);
    await expect(page.getByTestId("home-title")).toHaveText(/^Willkommen, /);
    await expect(page.getByTestId("sign-out")).toHaveText("Abmelden");
    await expect(page).toHaveTitle("Start · Meterline");

    await switchOrg(page, "Acme Corp");
    await page.getByRole("link", { name: "Datensätze" }).click();
    await expect(page.getByTestId("records-total")).toHaveText(/^\d+ Datensätze in Acme Corp$/);
    // Dates in the German style, still in UTC.
    await expect(page.getByTestId("records-list").locator("li").first()).toContainText(
      /\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} UTC/,
    );
    // A client component's strings came from the server page.
    const form = page.getByTestId("create-record-form");
    await expect(form.getByLabel("Titel")).toHaveAttribute("placeholder", "Quartalsbericht");
    await expect(form.getByRole("button", { name: "Datensatz anlegen" })).toBeVisible();

    await page.goto("/de/settings/plan");
    await expect(page.getByTestId("plan-pro")).toContainText("29 $/Monat");
    await expect(page.getByTestId("plan-enterprise")).toContainText("Unbegrenzt");

    // The switcher links to the same page and query in the other language.
    await page.goto("/de/records?tag=finance");
    await expect(page.getByTestId("records-total")).toContainText("mit Tag");
    const switcher = page.getByTestId("language-switcher");
    await expect(switcher).toHaveText("English");
    await expect(switcher).toHaveAttribute("href", "/en/records?tag=finance");
    await switcher.click();
    await expect(page).toHaveURL(/\/en\/records\?tag=finance$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Records");
    await expect(page.getByTestId("records-total")).toContainText("records in Acme Corp tagged");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByTestId("language-switcher")).toHaveText("Deutsch");
  });

  test("signing in from a German page returns to it in German", async ({ page }) => {
    await page.goto("/de/settings/team");
    await expect(page).toHaveURL(/\/de\/sign-in\?next=%2Fde%2Fsettings%2Fteam$/);
    await fillAuthForm(page, demo.email, demo.password, authLabels.de);
    await expect(page).toHaveURL(/\/de\/settings\/team$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Team");
    // Demo owns the organization the header starts with; roles are named in German too.
    await expect(page.getByRole("main")).toContainText("Ihre Rolle: Inhaber.");
    await expect(page.getByTestId("member-role").first().locator("option:checked")).toHaveText("Inhaber");
  });
});
