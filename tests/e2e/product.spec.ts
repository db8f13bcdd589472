import { randomUUID } from "node:crypto";

import { expect, signIn, switchOrg, test } from "./support";

test.describe("product actions", () => {
  test("create a record and attach a file to it", async ({ page }) => {
    await signIn(page);
    await switchOrg(page, "Acme Corp");
    await page.getByRole("link", { name: "Records" }).click();
    await expect(page.getByTestId("records-total")).toContainText("Acme Corp");

    const title = `E2E record ${randomUUID().slice(0, 8)}`;
    const form = page.getByTestId("create-record-form");
    await form.getByLabel("Title").fill(title);
    await form.getByLabel("Body").fill("Written by the end-to-end test.");
    await form.getByLabel("Tags").fill("e2e, demo");
    await form.getByRole("button", { name: "Create record" }).click();
    await expect(form.getByTestId("form-success")).toHaveText(`Created “${title}”.`);

    await page.getByTestId("records-list").getByRole("link", { name: title }).click();
    await expect(page.getByTestId("record-title")).toHaveText(title);
    await expect(page.getByTestId("record-tags")).toContainText("e2e");

    const upload = page.getByTestId("file-upload-form");
    await upload.locator('input[type="file"]').setInputFiles({
      name: "e2e-notes.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("notes from the browser\n"),
    });
    await upload.getByRole("button", { name: "Upload" }).click();
    await expect(upload.getByTestId("form-success")).toHaveText("Uploaded e2e-notes.txt.");
    const link = page.getByTestId("files-list").getByRole("link", { name: "e2e-notes.txt" });
    await expect(link).toBeVisible();

    const download = await page.request.get((await link.getAttribute("href")) ?? "");
    expect(download.status()).toBe(200);
    expect(await download.text()).toBe("notes from the browser\n");
  });

  test("a 12 MiB file goes straight to Storage through the upload form", async ({ page }) => {
    await signIn(page);
    await switchOrg(page, "Acme Corp");
    await page.goto("/en/records/cccccccc-0000-4000-8000-000000000002");
    const upload = page.getByTestId("file-upload-form");
    const bytes = Buffer.alloc(12 * 1024 * 1024, 7);
    await upload.locator('input[type="file"]').setInputFiles({
      name: "large-export.bin",
      mimeType: "application/octet-stream",
      buffer: bytes,
    });
    await upload.getByRole("button", { name: "Upload" }).click();
    await expect(upload.getByTestId("form-success")).toHaveText("Uploaded large-export.bin.", {
      timeout: 30_000,
    });
    const row = page.getByTestId("files-list").locator("li", { hasText: "large-export.bin" });
    await expect(row).toContainText("12 MB");
    await row.getByRole("button", { name: "Delete" }).click();
    await expect(page.getByTestId("files-list").locator("li", { hasText: "large-export.bin" })).toHaveCount(
      0,
    );
  });

  test("a member cannot delete a teammate's record, and nothing of it is touched", async ({ page }) => {
    await signIn(page, { email: "bob@acme.test", password: "demo-password-1" });
    await switchOrg(page, "Acme Corp");
    // Written by Alice, with a file attached.
    await page.goto("/en/records/cccccccc-0000-4000-8000-000000000001");
    await expect(page.getByTestId("files-list")).toContainText("q3-summary.txt");
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Delete record" }).click();
    await expect(page.getByTestId("form-error")).toHaveText(
      "Only the record's author, admins and owners can delete it.",
    );
    await page.reload();
    await expect(page.getByTestId("record-title")).toBeVisible();
    await expect(page.getByTestId("files-list")).toContainText("q3-summary.txt");
  });

  test("switching organization changes what the pages show, and is remembered", async ({ page }) => {
    await signIn(page);
    await switchOrg(page, "Globex");
    await page.goto("/en/records");
    await expect(page.getByTestId("records-total")).toContainText("in Globex");
    await expect(page.getByTestId("records-list")).toContainText("Globex shipment");
    await expect(page.getByTestId("records-list")).not.toContainText("Quarterly report");

    await page.reload();
    await expect(page.getByTestId("org-switcher")).toHaveText(/Globex/);

    await switchOrg(page, "Acme Corp");
    await page.goto("/en/records");
    await expect(page.getByTestId("records-total")).toContainText("in Acme Corp");
    await expect(page.getByTestId("records-list")).not.toContainText("Globex shipment");
  });

  test("a member sees why AI is off when no provider is configured", async ({ page }) => {
    await signIn(page);
    await switchOrg(page, "Acme Corp");
    await page.goto("/en/records");
    await page.getByTestId("records-list").getByRole("link").first().click();
    await expect(page.getByTestId("ai-not-configured")).toContainText("AI_BASE_URL");
  });
});
