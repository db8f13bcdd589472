import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import { DATA_DIR_ENV } from "./postgrest-process.ts";
import {
  isRunning,
  processCommand,
  processCommandLine,
  processGroupMembers,
  processParentPid,
  processEnvironment,
  readPidFile,
  removeFile,
  terminateProcess,
  terminateProcessGroup,
  writePidFile,
} from "./processes.ts";

/** Files a stack keeps in its data folder. */
export function dataDirLayout(dataDir: string): {
  pgDir: string;
  storageDir: string;
  ownerPidFile: string;
  postmasterPidFile: string;
  postgrestPidFile: string;
  webPidFile: string;
} {
  return {
    pgDir: join(dataDir, "pg"),
    storageDir: join(dataDir, "storage"),
    ownerPidFile: join(dataDir, "stack.pid"),
    postmasterPidFile: join(dataDir, "pg", "postmaster.pid"),
    postgrestPidFile: join(dataDir, "postgrest.pid"),
    webPidFile: join(dataDir, "web.pid"),
  };
}

/**
 * Creates the data folder so the `postgres` OS user can reach it: as root, Postgres runs as that
 * user, which needs o+x on every ancestor (mkdtemp makes 0700 folders).
 */
export async function prepareDataDir(dataDir: string): Promise<void> {
  const created: string[] = [];
  for (let dir = dataDir; ; dir = dirname(dir)) {
    const exists = await stat(dir).then(
      () => true,
      () => false,
    );
    if (exists || dirname(dir) === dir) break;
    created.push(dir);
  }
  await mkdir(dataDir, { recursive: true });
  for (const dir of [dataDir, ...created]) {
    const { mode } = await stat(dir);
    if ((mode & 0o011) !== 0o011) await chmod(dir, mode | 0o011);
  }
  if (process.getuid?.() !== 0) return;
  const temp = resolve(tmpdir());
  for (let dir = dirname(dataDir); dirname(dir) !== dir; dir = dirname(dir)) {
    const { mode } = await stat(dir);
    if ((mode & 0o001) !== 0) continue;
    // A mkdtemp folder (0700) around a throw-away stack is ours to open; anything else is not.
    if (dir.startsWith(temp + sep)) {
      await chmod(dir, mode | 0o001);
    } else {
      throw new Error(
        `Postgres runs as OS user "postgres" and cannot reach ${dataDir}: run chmod o+x ${dir} or choose another data folder`,
      );
    }
  }
}

const claimedInThisProcess = new Set<string>();

function stackOwnerAlive(ownerPid: number, pgDir: string, postmasterPid: number | null): boolean {
  if (ownerPid === process.pid || !isRunning(ownerPid)) return false;
  if (!processCommandLine(ownerPid)?.includes("node")) return false;
  // A recycled pid that happens to be another node process is not the owner if our postgres has a different parent.
  if (
    postmasterPid !== null &&
    isRunning(postmasterPid) &&
    processCommandLine(postmasterPid)?.includes(pgDir)
  ) {
    return processParentPid(postmasterPid) === ownerPid;
  }
  return true;
}

/** Stops postgres and PostgREST left running by a previous owner of this data folder that died (kill -9, crash). */
export async function reapOrphans(dataDir: string, log: (line: string) => void): Promise<void> {
  const layout = dataDirLayout(dataDir);
  const postgrestPid = await readPidFile(layout.postgrestPidFile);
  if (postgrestPid !== null && isRunning(postgrestPid)) {
    if (processEnvironment(postgrestPid).includes(`${DATA_DIR_ENV}=${dataDir}`)) {
      log(`Stopping orphaned PostgREST (pid ${postgrestPid}) from a previous run`);
      await terminateProcess(postgrestPid, "SIGTERM", 5000);
    }
  }
  await removeFile(layout.postgrestPidFile);

  const postmasterPid = await readPidFile(layout.postmasterPidFile);
  if (postmasterPid !== null && isRunning(postmasterPid)) {
    if (processCommandLine(postmasterPid)?.includes(layout.pgDir)) {
      log(`Stopping orphaned Postgres (pid ${postmasterPid}) from a previous run`);
      // SIGINT: fast shutdown, which does not wait for clients that will never disconnect.
      await terminateProcess(postmasterPid, "SIGINT", 10_000);
    }
  }
}

/**
 * Takes the data folder for this process: refuses when another live stack owns it, otherwise reaps
 * what a dead owner left behind and records this process as the owner.
 */
export async function claimDataDir(
  dataDir: string,
  log: (line: string) => void,
): Promise<() => Promise<void>> {
  if (claimedInThisProcess.has(dataDir)) {
    throw new Error(`A local Supabase stack is already running on ${dataDir} in this process`);
  }
  const layout = dataDirLayout(dataDir);
  const ownerPid = await readPidFile(layout.ownerPidFile);
  const postmasterPid = await readPidFile(layout.postmasterPidFile);
  if (ownerPid !== null && stackOwnerAlive(ownerPid, layout.pgDir, postmasterPid)) {
    throw new Error(`Another local Supabase (pid ${ownerPid}) is using ${dataDir}. Stop it first.`);
  }
  claimedInThisProcess.add(dataDir);
  try {
    await reapOrphans(dataDir, log);
    await writePidFile(layout.ownerPidFile, process.pid);
  } catch (error) {
    claimedInThisProcess.delete(dataDir);
    throw error;
  }
  return async () => {
    await removeFile(layout.ownerPidFile);
    claimedInThisProcess.delete(dataDir);
  };
}

/** `next dev` (`.../next/dist/bin/next dev`, `sh -c "... next dev"`) or the `next-server` it starts. */
export function isNextCommand(command: string): boolean {
  return /(^|[\s/])next(-server)?(\s|$)/.test(command);
}

/**
 * Records the process group of the web app `pnpm dev` started (pnpm, then `next dev` and its
 * `next-server` underneath, in a group of their own) and this process as its owner, so that the
 * next start can stop it if this process dies without stopping it (kill -9).
 */
export async function recordWebApp(dataDir: string, pgid: number): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  await writeFile(dataDirLayout(dataDir).webPidFile, `${pgid}\n${process.pid}\n`);
}

export async function forgetWebApp(dataDir: string): Promise<void> {
  await removeFile(dataDirLayout(dataDir).webPidFile);
}

/**
 * Stops the Next.js server a previous `pnpm dev` on this data folder left running when it died:
 * the recorded process group, unless its owner still runs, and only while the group still holds a
 * `next` process (a recycled process group id is never signalled).
 */
export async function reapOrphanedWebApp(dataDir: string, log: (line: string) => void): Promise<void> {
  const file = dataDirLayout(dataDir).webPidFile;
  const text = await readFile(file, "utf8").catch(() => null);
  if (text === null) return;
  const [pgid, owner] = text.split("\n").map((line) => Number.parseInt(line.trim(), 10));
  if (
    owner !== undefined &&
    owner > 0 &&
    owner !== process.pid &&
    isRunning(owner) &&
    processCommand(owner)?.includes("node")
  ) {
    // Another `pnpm dev` still runs this app; leave it (and its record) alone.
    return;
  }
  if (pgid !== undefined && pgid > 1) {
    const next = processGroupMembers(pgid).filter((pid) => isNextCommand(processCommand(pid) ?? ""));
    if (next.length > 0) {
      log(`Stopping the orphaned Next.js server (process group ${pgid}) from a previous run`);
      // SIGTERM: Next.js and its usage queues shut down as on a normal stop.
      await terminateProcessGroup(pgid, "SIGTERM", 10_000);
    }
  }
  await removeFile(file);
}
