import { join } from "node:path";
import { startCronRunner } from "../cron/runner.ts";
import { forgetWebApp, reapOrphanedWebApp, recordWebApp } from "../data-dir.ts";
import { findRepoRoot } from "../repo-root.ts";
import { startStack, type Stack } from "../stack.ts";
import { hostedBanner, localBanner } from "./banner.ts";
import { readDemoLogins } from "./demo-logins.ts";
import { DEFAULT_CRON_SECRET, devDataDir, isLocalUrl, portFromEnv } from "./settings.ts";
import { exitAfterCleanup } from "./shutdown.ts";
import {
  appEnvironment,
  runInGroup,
  runPnpm,
  testWebCommand,
  withWebSocketFlag,
  type WebProcess,
} from "./web-app.ts";

/**
 * `pnpm dev`: the local stack on the Supabase CLI's ports, then `next dev` wired to it and the cron
 * runner. With NEXT_PUBLIC_SUPABASE_URL pointing at a hosted project, only the app and crons run.
 */
export async function dev(): Promise<void> {
  const repoRoot = findRepoRoot();
  const dataDir = devDataDir(repoRoot);
  // `next dev` listens on PORT too.
  const appPort = portFromEnv("PORT", 3000);
  const cronSecret = process.env.CRON_SECRET || DEFAULT_CRON_SECRET;
  const appUrl = process.env.APP_URL || `http://localhost:${appPort}`;
  const hostedUrl = process.env.NEXT_PUBLIC_SUPABASE_URL;

  let stack: Stack | null = null;
  let web: WebProcess | null = null;
  let cron: { stop(): void } | null = null;
  let stopping = false;
  const shutdown = exitAfterCleanup(async () => {
    stopping = true;
    cron?.stop();
    if (web) {
      await web.stop();
      await forgetWebApp(dataDir);
    }
    await stack?.stop();
  });

  // A `pnpm dev` killed with kill -9 leaves its Next.js server (a process group of its own) running
  // on the app's port; Postgres and PostgREST are reaped when the stack claims the data folder.
  await reapOrphanedWebApp(dataDir, (line) => console.info(`  ${line}`));

  let env: NodeJS.ProcessEnv;
  if (hostedUrl && !isLocalUrl(hostedUrl)) {
    console.info(hostedBanner(hostedUrl, appUrl));
    env = {
      ...process.env,
      CRON_SECRET: cronSecret,
      APP_URL: appUrl,
      NODE_OPTIONS: withWebSocketFlag(process.env.NODE_OPTIONS),
    };
  } else {
    const started = Date.now();
    const seedFile = join(repoRoot, "supabase", "seed.sql");
    stack = await startStack({
      dataDir,
      gatewayPort: portFromEnv("LOCAL_SUPABASE_PORT", 54321),
      dbPort: portFromEnv("LOCAL_SUPABASE_DB_PORT", 54322),
      inboxPort: portFromEnv("LOCAL_SUPABASE_INBOX_PORT", 54324),
      seedFile,
      // Links in emails lead back to the app that is running, wherever PORT put it.
      auth: { siteUrl: appUrl },
      log: (line) => {
        // Postgres and PostgREST chatter (including the SQL errors RLS produces in normal use) stays
        // out of the terminal; our own lines and crashes do not.
        if (!line.startsWith("[postgres]") && !line.startsWith("[postgrest]")) console.info(`  ${line}`);
        else if (/\b(FATAL|PANIC)\b/.test(line)) console.error(`  ${line}`);
      },
    });
    console.info(localBanner(stack, appUrl, readDemoLogins(seedFile), Date.now() - started));
    env = appEnvironment(stack, appUrl, cronSecret);
  }

  const standIn = testWebCommand();
  web = standIn
    ? runInGroup(standIn[0], standIn[1], { cwd: repoRoot, env })
    : runPnpm(["--filter", "@repo/web", "dev"], { cwd: repoRoot, env });
  if (web.pgid !== undefined) await recordWebApp(dataDir, web.pgid);
  // Its first run waits until the app answers.
  cron = startCronRunner({
    vercelJsonPath: join(repoRoot, "vercel.json"),
    appUrl: `http://127.0.0.1:${appPort}`,
    cronSecret,
    log: (line) => console.info(`  ${line}`),
  });
  const code = await web.exited;
  if (stopping) return;
  console.info(`  The web app exited (code ${code}); stopping local Supabase.`);
  shutdown(code);
}
