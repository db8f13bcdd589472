import { expect, type Page } from "@playwright/test";

export const demo = { email: "demo@example.com", password: "demo-password-1" };

export async function fillAuthForm(page: Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
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
