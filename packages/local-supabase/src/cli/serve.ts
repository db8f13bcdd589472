import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { findRepoRoot } from "../repo-root.ts";
import { startStack, type Stack } from "../stack.ts";
import { DEFAULT_CRON_SECRET, portFromEnv } from "./settings.ts";
import { exitAfterCleanup } from "./shutdown.ts";
import { appEnvironment, runPnpm, type WebProcess } from "./web-app.ts";

// Fixed rather than free: `next build` inlines NEXT_PUBLIC_SUPABASE_URL, so a build reused with
// SKIP_BUILD=1 must find the API on the same port. Distinct from dev's 54321 so both can run.
const E2E_GATEWAY_PORT = 54331;

/**
 * For end-to-end tests (Playwright's webServer): a throw-away seeded stack, then a production build
 * and `next start` against it. Everything is removed again on exit.
 */
export async function serve(): Promise<void> {
  const repoRoot = findRepoRoot();
  const appPort = portFromEnv("PORT", 3100);
  // Playwright addresses the app as 127.0.0.1; cookies and redirects must use the same host.
  const appUrl = process.env.APP_URL || `http://127.0.0.1:${appPort}`;
  const cronSecret = process.env.CRON_SECRET || DEFAULT_CRON_SECRET;
  const dir = await mkdtemp(join(tmpdir(), "local-supabase-serve-"));

  let stack: Stack | null = null;
  let web: WebProcess | null = null;
  let stopping = false;
  const shutdown = exitAfterCleanup(async () => {
    stopping = true;
    await web?.stop();
    await stack?.stop();
    await rm(dir, { recursive: true, force: true });
    if (process.env.LOCAL_SUPABASE_INFO_FILE) await rm(process.env.LOCAL_SUPABASE_INFO_FILE, { force: true });
  });

  stack = await startStack({
    dataDir: join(dir, "data"),
    gatewayPort: portFromEnv("LOCAL_SUPABASE_PORT", E2E_GATEWAY_PORT),
    inboxPort: portFromEnv("LOCAL_SUPABASE_INBOX_PORT", 0),
    auth: { siteUrl: appUrl },
    log: (line) => {
      if (!line.startsWith("[postgres]") && !line.startsWith("[postgrest]"))
        console.info(`[local-supabase] ${line}`);
    },
  });
  console.info(`[local-supabase] API ${stack.url}, database ${stack.dbUrl}, inbox ${stack.inboxUrl}`);
  const env = appEnvironment(stack, appUrl, cronSecret);
  // Lets end-to-end tests reach the stack behind the app (SQL checks, a second app server).
  const infoFile = process.env.LOCAL_SUPABASE_INFO_FILE;
  if (infoFile) {
    await mkdir(dirname(infoFile), { recursive: true });
    await writeFile(
      infoFile,
      JSON.stringify({
        url: stack.url,
        dbUrl: stack.dbUrl,
        anonKey: stack.anonKey,
        serviceRoleKey: stack.serviceRoleKey,
        inboxUrl: stack.inboxUrl,
        cronSecret,
      }),
    );
  }

  if (process.env.SKIP_BUILD !== "1") {
    web = runPnpm(["--filter", "@repo/web", "exec", "next", "build"], { cwd: repoRoot, env });
    const code = await web.exited;
    if (stopping) return;
    if (code !== 0) {
      console.error(`[local-supabase] next build failed (code ${code})`);
      return shutdown(code);
    }
  }
  web = runPnpm(["--filter", "@repo/web", "exec", "next", "start", "-p", String(appPort)], {
    cwd: repoRoot,
    env,
  });
  const code = await web.exited;
  if (!stopping) shutdown(code);
}
