import { randomUUID } from "node:crypto";

import { expect, fillAuthForm, test } from "./support";

test.describe("authentication", () => {
  test("sign up, sign out, sign in again", async ({ page }) => {
    const email = `e2e-${randomUUID()}@test.example`;
    const password = "correct-horse-battery";

    await page.goto("/en/sign-up");
    await page.getByLabel("Your name").fill("Erin Endtoend");
    await fillAuthForm(page, email, password);

    await expect(page).toHaveURL(/\/en$/);
    await expect(page.getByTestId("home-title")).toContainText("Erin Endtoend");
    await expect(page.getByTestId("header-email")).toHaveText(email);

    await page.getByTestId("sign-out").click();
    await expect(page).toHaveURL(/\/en\/sign-in$/);

    // A signed-out visitor is sent to sign in, then returned where they were going.
    await page.goto("/en/records?offset=0");
    await expect(page).toHaveURL(/\/en\/sign-in\?next=%2Fen%2Frecords%3Foffset%3D0$/);

    await fillAuthForm(page, email, password);
    await expect(page).toHaveURL(/\/en\/records\?offset=0$/);
    await expect(page.getByTestId("header-email")).toHaveText(email);
  });

  test("a wrong password shows an error and keeps the visitor signed out", async ({ page }) => {
    await page.goto("/en/sign-in");
    await fillAuthForm(page, "demo@example.com", "not-the-password");

    await expect(page.getByTestId("form-error")).toHaveText("Wrong email or password.");
    await expect(page).toHaveURL(/\/en\/sign-in$/);
    await page.goto("/en");
    await expect(page).toHaveURL(/\/en\/sign-in/);
  });

  test("the seeded demo user can sign in and edit their profile", async ({ page }) => {
    await page.goto("/en/sign-in");
    await fillAuthForm(page, "demo@example.com", "demo-password-1");
    await expect(page.getByTestId("header-email")).toHaveText("demo@example.com");

    const newName = `Dana ${randomUUID().slice(0, 8)}`;
    await page.getByLabel("Your name").fill(newName);
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByTestId("form-success")).toHaveText("Profile saved.");
    await page.reload();
    await expect(page.getByTestId("home-title")).toContainText(newName);
  });

  test("bad input gets a field error, not a server error", async ({ page }) => {
    await page.goto("/en/sign-up");
    await fillAuthForm(page, "not-an-email", "short");
    await expect(page.getByTestId("form-error")).toHaveText("Enter a valid email address.");
    await expect(page.getByText("Use at least 8 characters for your password.")).toBeVisible();
  });
});
