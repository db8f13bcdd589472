// `dev` killed with kill -9 leaves its web app (a process group of its own) running on the app's
// port; the next `dev` must stop it, and must never signal a group that is not a Next.js server it
// recorded. `dev` runs here as a real CLI process, with the hosted-Supabase branch (no local stack:
// the stack's own reaping is in lifecycle.test.ts) and a stand-in for `next dev`
// (test/support/next-stand-in.ts) on a free port; recording and reaping are the real code paths.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { isNextCommand, reapOrphanedWebApp } from "../src/data-dir.ts";
import { isRunning, processCommand, processGroupMembers } from "../src/processes.ts";

const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const STAND_IN = fileURLToPath(new URL("./support/next-stand-in.ts", import.meta.url));

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

function killGroup(pgid: number): void {
  // Never 0 or 1: kill(-0) is our own group, kill(-1) everything we may signal.
  if (!(pgid > 1)) return;
  try {
    process.kill(-pgid, "SIGKILL");
  } catch {
    // gone
  }
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "local-supabase-dev-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Resolves true when something listening on 127.0.0.1:port answers, false when it is free. */
function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(true));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(false)));
  });
}

interface DevProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the stand-in server's pid once it listens. */
  listening: Promise<number>;
}

function startDev(dataDir: string, port: number): DevProcess {
  const child = spawn(process.execPath, ["--experimental-websocket", "--import", "tsx", CLI, "dev"], {
    env: {
      ...process.env,
      // The hosted branch: `dev` starts no local stack, only the web app and the cron runner.
      NEXT_PUBLIC_SUPABASE_URL: "https://stand-in.supabase.test",
      PORT: String(port),
      LOCAL_SUPABASE_TEST_DATA_DIR: dataDir,
      LOCAL_SUPABASE_TEST_WEB_COMMAND: JSON.stringify([process.execPath, "--import", "tsx", STAND_IN]),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  cleanups.push(async () => child.kill("SIGKILL"));
  let output = "";
  const listening = new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /\{"standIn":"listening","pid":(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`dev exited with ${code}:\n${output}`)));
  });
  return { child, output: () => output, listening };
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

async function recordedGroup(dataDir: string): Promise<{ pgid: number; owner: number }> {
  const [pgid, owner] = (await readFile(join(dataDir, "web.pid"), "utf8")).split("\n").map(Number);
  return { pgid: pgid ?? 0, owner: owner ?? 0 };
}

describe("dev after kill -9", () => {
  it("stops the Next.js server the killed dev left running, so the port is free again", async () => {
    const dataDir = await tempDir();
    const port = await freePort();

    const first = startDev(dataDir, port);
    const orphan = await first.listening;
    const { pgid, owner } = await recordedGroup(dataDir);
    cleanups.push(async () => killGroup(pgid));
    expect(owner).toBe(first.child.pid);
    expect(processGroupMembers(pgid)).toContain(orphan);

    first.child.kill("SIGKILL");
    await exited(first.child);
    // Nobody stopped the web app: it still holds the port.
    expect(isRunning(orphan)).toBe(true);
    expect(processGroupMembers(pgid).length).toBeGreaterThan(0);
    expect(await portTaken(port)).toBe(true);

    const second = startDev(dataDir, port);
    const server = await second.listening;
    cleanups.push(async () => killGroup((await recordedGroup(dataDir).catch(() => ({ pgid: 0 }))).pgid));
    expect(second.output()).toContain(`Stopping the orphaned Next.js server (process group ${pgid})`);
    expect(isRunning(orphan)).toBe(false);
    expect(processGroupMembers(pgid)).toEqual([]);
    // The new server got the port, and the record now names the new group and owner.
    expect(server).not.toBe(orphan);
    const current = await recordedGroup(dataDir);
    expect(current.owner).toBe(second.child.pid);
    expect(processGroupMembers(current.pgid)).toContain(server);

    // A normal stop stops the group, frees the port and removes the record.
    second.child.kill("SIGTERM");
    expect(await exited(second.child)).toBe(143);
    expect(processGroupMembers(current.pgid)).toEqual([]);
    expect(await portTaken(port)).toBe(false);
    expect(existsSync(join(dataDir, "web.pid"))).toBe(false);
  }, 60_000);
});

describe("reapOrphanedWebApp", () => {
  /** A process group of its own that runs `command` (e.g. `sleep`), as a recycled group id might. */
  function spawnGroup(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
    const child = spawn(command, args, { detached: true, stdio: "ignore", env });
    child.unref();
    const pid = child.pid ?? 0;
    cleanups.push(async () => killGroup(pid));
    return pid;
  }

  async function waitForNextMember(pgid: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    const hasNext = (): boolean =>
      processGroupMembers(pgid).some((pid) => isNextCommand(processCommand(pid) ?? ""));
    while (!hasNext()) {
      if (Date.now() > deadline) throw new Error(`no next-server in process group ${pgid}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it("leaves a recorded group alone that no longer runs next (a recycled id)", async () => {
    const dataDir = await tempDir();
    const pgid = spawnGroup("sleep", ["60"]);
    // Owner: a pid that is gone.
    await writeFile(join(dataDir, "web.pid"), `${pgid}\n${2 ** 22 + 1}\n`);
    const lines: string[] = [];
    await reapOrphanedWebApp(dataDir, (line) => lines.push(line));
    expect(lines).toEqual([]);
    expect(processGroupMembers(pgid)).toEqual([pgid]);
    expect(existsSync(join(dataDir, "web.pid"))).toBe(false);
  });

  it("leaves the web app of a dev that still runs alone", async () => {
    const dataDir = await tempDir();
    const port = await freePort();
    const pgid = spawnGroup(process.execPath, ["--import", "tsx", STAND_IN], {
      ...process.env,
      PORT: String(port),
    });
    await waitForNextMember(pgid);
    const owner = spawnGroup(process.execPath, ["-e", "setInterval(() => {}, 60000)"]);
    await writeFile(join(dataDir, "web.pid"), `${pgid}\n${owner}\n`);

    await reapOrphanedWebApp(dataDir, () => undefined);
    expect(processGroupMembers(pgid).length).toBe(2);
    expect(existsSync(join(dataDir, "web.pid"))).toBe(true);

    // Once its owner is gone, the same group is an orphan and is stopped.
    killGroup(owner);
    while (isRunning(owner)) await new Promise((resolve) => setTimeout(resolve, 20));
    const lines: string[] = [];
    await reapOrphanedWebApp(dataDir, (line) => lines.push(line));
    expect(lines).toEqual([
      `Stopping the orphaned Next.js server (process group ${pgid}) from a previous run`,
    ]);
    expect(processGroupMembers(pgid)).toEqual([]);
  }, 30_000);
});
