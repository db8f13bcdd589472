import { randomUUID } from "node:crypto";

import type { Page } from "@playwright/test";

import { e2eStack } from "./stack";
import { demo, expect, fillAuthForm, signIn, test } from "./support";

// Account flows as a person goes through them: every email is read in the local inbox's web page,
// and its link is clicked there.

function newAddress(label: string): string {
  return `e2e-${label}-${randomUUID().slice(0, 8)}@test.example`;
}

/** A confirmed account, made through the auth admin API (as `auth.admin.createUser` sends it). */
async function createUser(email: string, password: string): Promise<void> {
  const { url, serviceRoleKey } = e2eStack();
  const res = await fetch(`${url}/auth/v1/admin/users`, {
    method: "POST",
    headers: {
      apikey: serviceRoleKey,
      authorization: `Bearer ${serviceRoleKey}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ email, password, email_confirm: true }),
  });
  if (!res.ok) throw new Error(`could not create ${email}: ${res.status} ${await res.text()}`);
}

/** Opens the newest email to `to` in the inbox page and clicks the link named `linkName`. */
async function followEmailLink(page: Page, to: string, subject: string, linkName: string): Promise<void> {
  await page.goto(`${e2eStack().inboxUrl}/?to=${encodeURIComponent(to)}`);
  const message = page.getByTestId("inbox-message").filter({ hasText: subject }).first();
  await expect(message).toBeVisible();
  await message.click();
  await expect(page.getByRole("heading", { name: subject, level: 1 })).toBeVisible();
  await page.getByTestId("inbox-body").getByRole("link", { name: linkName }).click();
}

async function signOut(page: Page): Promise<void> {
  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/en\/sign-in$/);
}

test.describe("account flows through the local inbox", () => {
  test("forgot password: the emailed link lets the user choose a new one, once", async ({ page }) => {
    const email = newAddress("reset");
    await createUser(email, "forgotten-password-1");

    await page.goto("/en/sign-in");
    await page.getByTestId("forgot-password-link").click();
    await expect(page).toHaveURL(/\/en\/forgot-password$/);
    await page.getByLabel("Email").fill(email);
    await page.getByTestId("email-link-submit").click();
    await expect(page.getByTestId("form-success")).toContainText(`If an account uses ${email}`);

    await followEmailLink(page, email, "Reset your password", "Reset your password");
    await expect(page).toHaveURL(/\/en\/reset-password$/);
    await page.getByLabel("New password", { exact: true }).fill("remembered-password-2");
    await page.getByLabel("Repeat the new password").fill("remembered-password-2");
    await page.getByTestId("new-password-submit").click();
    await expect(page).toHaveURL(/\/en\?password=changed$/);
    await expect(page.getByTestId("home-notice")).toHaveText("Your password was changed.");
    await expect(page.getByTestId("header-email")).toHaveText(email);

    await signOut(page);
    await fillAuthForm(page, email, "forgotten-password-1");
    await expect(page.getByTestId("form-error")).toHaveText("Wrong email or password.");
    await fillAuthForm(page, email, "remembered-password-2");
    await expect(page.getByTestId("header-email")).toHaveText(email);
    await signOut(page);

    // The link worked once: followed again, it says so and offers to send a new one.
    await followEmailLink(page, email, "Reset your password", "Reset your password");
    await expect(page).toHaveURL(/\/en\/forgot-password\?error=link_invalid$/);
    await expect(page.getByTestId("link-error")).toContainText("invalid, was already used or has expired");
  });

  test("an unknown address gets the same answer and no email", async ({ page }) => {
    const email = newAddress("nobody");
    await page.goto("/en/forgot-password");
    await page.getByLabel("Email").fill(email);
    await page.getByTestId("email-link-submit").click();
    await expect(page.getByTestId("form-success")).toContainText(`If an account uses ${email}`);
    const res = await fetch(`${e2eStack().inboxUrl}/api/v1/messages?to=${encodeURIComponent(email)}`);
    expect(((await res.json()) as { total: number }).total).toBe(0);
  });

  test("sign in with a magic link", async ({ page }) => {
    const email = newAddress("magic");
    await createUser(email, "unused-password-1");

    await page.goto("/en/sign-in");
    await page.getByTestId("magic-link-link").click();
    // The sign-in page has an Email field too: fill the new page's, not the one being left.
    await expect(page).toHaveURL(/\/en\/magic-link$/);
    await expect(page.getByRole("heading", { name: "Sign in by email" })).toBeVisible();
    await page.getByLabel("Email").fill(email);
    await page.getByTestId("email-link-submit").click();
    await expect(page.getByTestId("form-success")).toContainText("a sign-in link is on its way");

    await followEmailLink(page, email, "Your sign-in link", "Sign in to Meterline");
    await expect(page).toHaveURL(/\/en$/);
    await expect(page.getByTestId("header-email")).toHaveText(email);
  });

  test("invite a new teammate, who chooses a password and lands in the organization", async ({ page }) => {
    const orgName = `Invite Co ${randomUUID().slice(0, 6)}`;
    const invitee = newAddress("invitee");

    await signIn(page, demo);
    await page.goto("/en/settings/team");
    await page.getByTestId("create-org-form").getByLabel("Name").fill(orgName);
    await page.getByTestId("create-org-form").getByRole("button", { name: "Create organization" }).click();
    await expect(page.getByTestId("org-switcher")).toHaveText(new RegExp(orgName));

    const invite = page.getByTestId("invite-form");
    await invite.getByLabel("Email").fill(invitee);
    await invite.getByLabel("Role").selectOption("admin");
    await invite.getByRole("button", { name: "Send invitation" }).click();
    await expect(invite.getByTestId("form-success")).toHaveText(`Invitation sent to ${invitee}.`);
    const pending = page.getByTestId("invitation").filter({ hasText: invitee });
    await expect(pending).toContainText("admin");

    // Resending at once is refused with a reason; revoking another invitation removes it.
    await pending.getByTestId("invitation-resend").getByRole("button", { name: "Resend" }).click();
    await expect(pending.getByTestId("form-error")).toContainText("less than a minute ago");
    const other = newAddress("revoked");
    await invite.getByLabel("Email").fill(other);
    await invite.getByRole("button", { name: "Send invitation" }).click();
    await expect(page.getByTestId("invitation").filter({ hasText: other })).toBeVisible();
    page.once("dialog", (dialog) => void dialog.accept());
    await page
      .getByTestId("invitation")
      .filter({ hasText: other })
      .getByTestId("invitation-revoke")
      .getByRole("button", { name: "Revoke" })
      .click();
    await expect(page.getByTestId("invitation").filter({ hasText: other })).toHaveCount(0);

    await signOut(page);
    await followEmailLink(page, invitee, "You've been invited to Meterline", "Accept the invitation");
    await expect(page).toHaveURL(/\/en\/welcome\?invitation=/);
    await expect(page.getByTestId("welcome-invitation")).toContainText(`${orgName} invited you as admin`);
    await page.getByLabel("Your name").fill("Ivy Invitee");
    await page.getByLabel("Password", { exact: true }).fill("invited-password-1");
    await page.getByLabel("Repeat the new password").fill("invited-password-1");
    await page.getByTestId("new-password-submit").click();

    await expect(page).toHaveURL(/\/en$/);
    await expect(page.getByTestId("header-email")).toHaveText(invitee);
    await expect(page.getByTestId("org-switcher")).toHaveText(new RegExp(orgName));
    await page.goto("/en/settings/team");
    const me = page.getByTestId("members-list").getByRole("listitem").filter({ hasText: invitee });
    await expect(me.getByTestId("member-role")).toHaveValue("admin");

    // And the password works for signing in later.
    await signOut(page);
    await fillAuthForm(page, invitee, "invited-password-1");
    await expect(page.getByTestId("header-email")).toHaveText(invitee);
  });

  test("change the email address: confirmed through the inbox", async ({ page }) => {
    const email = newAddress("before");
    const next = newAddress("after");
    await createUser(email, "change-password-1");
    await signIn(page, { email, password: "change-password-1" });

    const form = page.getByTestId("change-email-form");
    await form.getByLabel("New email address").fill(next);
    await form.getByRole("button", { name: "Change email" }).click();
    await expect(form.getByTestId("form-success")).toContainText(
      `We sent confirmation links to ${next} and ${email}`,
    );
    await page.reload();
    await expect(page.getByTestId("pending-email")).toContainText(next);

    await followEmailLink(page, next, "Confirm your new email address", "Confirm the change");
    await expect(page).toHaveURL(/\/en\?email=changed$/);
    await expect(page.getByTestId("home-notice")).toHaveText(`Your email address is now ${next}.`);
    await expect(page.getByTestId("header-email")).toHaveText(next);

    await signOut(page);
    await fillAuthForm(page, next, "change-password-1");
    await expect(page.getByTestId("header-email")).toHaveText(next);
  });
});
