import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { processGroupMembers } from "../processes.ts";
import type { Stack } from "../stack.ts";

export interface WebProcess {
  /** The process group (the id of its first process), or undefined when it could not start. */
  pgid: number | undefined;
  /** Resolves with the exit code when the process ends, whoever ended it. */
  exited: Promise<number>;
  stop(): Promise<void>;
}

/** `node pnpm.cjs` when we were started by pnpm (its path is in npm_execpath), else `pnpm` from PATH. */
function pnpmCommand(args: string[]): [string, string[]] {
  const execPath = process.env.npm_execpath;
  return execPath && /pnpm/.test(execPath) ? [process.execPath, [execPath, ...args]] : ["pnpm", args];
}

/** Zombies do not count: nobody may reap an orphaned `next-server`, and it holds no port. */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
  } catch {
    return false;
  }
  return processGroupMembers(pid).length > 0;
}

/**
 * Runs a pnpm command for the web app in its own process group, so that stopping it also stops the
 * `next` processes pnpm starts underneath.
 */
export function runPnpm(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): WebProcess {
  const [command, commandArgs] = pnpmCommand(args);
  return runInGroup(command, commandArgs, options, `pnpm ${args.join(" ")}`);
}

const TEST_WEB_COMMAND_ENV = "LOCAL_SUPABASE_TEST_WEB_COMMAND";

/**
 * For tests of `dev` only, and honoured only under Vitest: a JSON argv (`["node", "stand-in.mjs"]`)
 * that `dev` runs instead of `next dev`, in the same way (own process group, recorded, reaped).
 */
export function testWebCommand(): [string, string[]] | null {
  const raw = process.env[TEST_WEB_COMMAND_ENV];
  if (!raw || !process.env.VITEST) return null;
  const argv: unknown = JSON.parse(raw);
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((arg) => typeof arg === "string")) {
    throw new Error(`${TEST_WEB_COMMAND_ENV} must be a JSON array of strings`);
  }
  const [command, ...args] = argv as string[];
  return [command as string, args];
}

/** Runs `command` in a process group of its own; stop() stops the whole group. */
export function runInGroup(
  command: string,
  commandArgs: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
  label: string = command,
): WebProcess {
  const child = spawn(command, commandArgs, {
    cwd: options.cwd,
    env: options.env,
    stdio: "inherit",
    detached: true,
  });
  const exited = new Promise<number>((resolve) => {
    child.once("error", (error) => {
      console.error(`Could not run ${label}: ${error.message}`);
      resolve(1);
    });
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });

  const signalGroup = (signal: NodeJS.Signals): void => {
    if (!child.pid) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the group is gone
    }
  };

  return {
    pgid: child.pid,
    exited,
    stop: async () => {
      const pid = child.pid;
      if (!pid) return;
      // SIGINT, as a terminal's Ctrl-C would send: Next.js and pnpm treat it as a normal stop.
      if (!done) signalGroup("SIGINT");
      // Give Next.js a moment to exit on its own, then make sure nothing of the group survives.
      const deadline = Date.now() + 10_000;
      while (groupAlive(pid) && Date.now() < deadline) await sleep(50);
      if (groupAlive(pid)) signalGroup("SIGKILL");
      await Promise.race([exited, sleep(2000)]);
    },
  };
}

/** Node 20 has WebSocket (needed by supabase-js) only behind a flag; Node 22+ has it built in. */
export function withWebSocketFlag(nodeOptions: string | undefined): string {
  const current = nodeOptions ?? "";
  const major = Number(process.versions.node.split(".")[0]);
  if (major >= 22 || current.includes("--experimental-websocket")) return current;
  return `${current} --experimental-websocket`.trim();
}

/** The variables the app reads to reach this stack. */
export function appEnvironment(stack: Stack, appUrl: string, cronSecret: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NEXT_PUBLIC_SUPABASE_URL: stack.url,
    NEXT_PUBLIC_SUPABASE_ANON_KEY: stack.anonKey,
    SUPABASE_SERVICE_ROLE_KEY: stack.serviceRoleKey,
    SUPABASE_DB_URL: stack.dbUrl,
    CRON_SECRET: cronSecret,
    APP_URL: appUrl,
    NODE_OPTIONS: withWebSocketFlag(process.env.NODE_OPTIONS),
  };
}
