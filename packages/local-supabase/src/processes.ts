import { execFileSync, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";

export async function readPidFile(path: string): Promise<number | null> {
  const text = await readFile(path, "utf8").catch(() => null);
  const pid = Number.parseInt(text?.split("\n")[0]?.trim() ?? "", 10);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

export async function writePidFile(path: string, pid: number): Promise<void> {
  await writeFile(path, `${pid}\n`);
}

export async function removeFile(path: string): Promise<void> {
  await rm(path, { force: true });
}

function readProcFile(pid: number, name: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/${name}`, "utf8");
  } catch {
    return null;
  }
}

/** NUL-separated argv joined with spaces, or null when the process is gone. */
export function processCommandLine(pid: number): string | null {
  return readProcFile(pid, "cmdline")?.replaceAll("\0", " ") ?? null;
}

/**
 * A process's command line (as it shows itself: `next-server` renames itself), or null when it is
 * gone: /proc on Linux, `ps` elsewhere.
 */
export function processCommand(pid: number): string | null {
  if (process.platform === "linux") return processCommandLine(pid)?.trim() ?? null;
  try {
    const command = execFileSync("ps", ["-p", String(pid), "-o", "command="], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    return command === "" ? null : command;
  } catch {
    return null;
  }
}

/** The live processes (zombies excluded) whose process group is `pgid`. */
export function processGroupMembers(pgid: number): number[] {
  if (process.platform === "linux") {
    const members: number[] = [];
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = readProcFile(Number(entry), "stat");
      // Fields after "(comm)": state, ppid, pgrp, ...
      const [state, , pgrp] = stat?.slice(stat.lastIndexOf(")") + 2).split(" ") ?? [];
      if (Number(pgrp) === pgid && state !== "Z" && state !== "X") members.push(Number(entry));
    }
    return members;
  }
  let listing = "";
  try {
    listing = execFileSync("ps", ["-A", "-o", "pid=,pgid=,stat="], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch {
    return [];
  }
  return listing.split("\n").flatMap((line) => {
    const [pid, group, state] = line.trim().split(/\s+/);
    return Number(group) === pgid && !state?.startsWith("Z") ? [Number(pid)] : [];
  });
}

export function processParentPid(pid: number): number | null {
  const stat = readProcFile(pid, "stat");
  // Fields after "(comm)": state, ppid, ...; comm itself may contain spaces and parentheses.
  const ppid = Number(stat?.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  return Number.isInteger(ppid) ? ppid : null;
}

export function processEnvironment(pid: number): string[] {
  return readProcFile(pid, "environ")?.split("\0") ?? [];
}

/**
 * A zombie counts as gone: it holds no port or data folder, and whether it gets reaped depends
 * on whoever is PID 1 in this container.
 */
export function isRunning(pid: number): boolean {
  const stat = readProcFile(pid, "stat");
  if (stat !== null) {
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function waitUntilGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Asks politely with `first`, then SIGKILLs after `timeoutMs`; resolves once the process is gone. */
export async function terminateProcess(pid: number, first: NodeJS.Signals, timeoutMs: number): Promise<void> {
  if (!isRunning(pid)) return;
  signal(pid, first);
  if (await waitUntilGone(pid, timeoutMs)) return;
  signal(pid, "SIGKILL");
  if (!(await waitUntilGone(pid, 5000))) throw new Error(`Process ${pid} did not exit after SIGKILL`);
}

function signalGroup(pgid: number, sig: NodeJS.Signals): void {
  // kill(-0) would signal our own group, kill(-1) every process we may signal.
  if (!Number.isInteger(pgid) || pgid <= 1) throw new Error(`Not a process group id: ${pgid}`);
  try {
    process.kill(-pgid, sig);
  } catch {
    // already gone
  }
}

async function waitUntilGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (processGroupMembers(pgid).length > 0) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/** Signals a whole process group with `first`, then SIGKILLs it after `timeoutMs`; resolves once it is gone. */
export async function terminateProcessGroup(
  pgid: number,
  first: NodeJS.Signals,
  timeoutMs: number,
): Promise<void> {
  if (processGroupMembers(pgid).length === 0) return;
  signalGroup(pgid, first);
  if (await waitUntilGroupGone(pgid, timeoutMs)) return;
  signalGroup(pgid, "SIGKILL");
  if (!(await waitUntilGroupGone(pgid, 5000))) {
    throw new Error(`Process group ${pgid} did not exit after SIGKILL`);
  }
}

/** Stops a child we spawned ourselves and waits for its exit event (which also reaps it). */
export async function stopChild(
  child: ChildProcess,
  first: NodeJS.Signals,
  timeoutMs: number,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill(first);
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  await exited;
  clearTimeout(timer);
}
