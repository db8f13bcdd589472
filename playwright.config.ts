import { defineConfig, devices } from "@playwright/test";

import { E2E_STACK_FILE } from "./tests/e2e/stack";

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "./tests/e2e",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  // Generous: the machines are shared, and a slow page is not what these tests measure.
  expect: { timeout: 20_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  outputDir: "test-results",
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    testIdAttribute: "data-test",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          // Debian's Chromium: test tools cannot download their own browsers on these machines.
          executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-dev-shm-usage",
          ],
        },
      },
    },
  ],
  webServer: {
    // A throw-away local Supabase with the seed, then `next build` + `next start` against it.
    command: `node --experimental-websocket --import tsx packages/local-supabase/src/cli.ts serve`,
    url: `${baseURL}/en/sign-in`,
    env: { PORT: String(port), LOCAL_SUPABASE_INFO_FILE: E2E_STACK_FILE },
    timeout: 600_000,
    reuseExistingServer: !process.env.CI,
    // SIGTERM lets the CLI stop Next.js (its own process group), PostgREST and Postgres in order;
    // Playwright's default SIGKILL of the group would leave the Next.js server behind.
    gracefulShutdown: { signal: "SIGTERM", timeout: 30_000 },
    stdout: "pipe",
    stderr: "pipe",
  },
});
