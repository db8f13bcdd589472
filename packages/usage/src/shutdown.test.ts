import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

import { describe, expect, it, vi } from "vitest";

import { UsageQueue } from "./queue";
import { drainOnShutdown, drainQueues, type ShutdownProcess } from "./shutdown";

function failingQueue(failures = Infinity) {
  let left = failures;
  const written: number[] = [];
  const queue = new UsageQueue<number>({
    sink: {
      write: async (batch) => {
        if (left-- > 0) throw new Error("sink down");
        written.push(...batch);
      },
    },
    maxBatchSize: 5,
    flushIntervalMs: 10_000,
  });
  return { queue, written };
}

describe("drainQueues", () => {
  it("writes everything when the sink recovers within the deadline", async () => {
    const { queue, written } = failingQueue(2);
    for (let i = 0; i < 12; i++) queue.enqueue(i);
    const log = vi.fn();
    expect(await drainQueues({ usage: queue }, { timeoutMs: 2000, retryDelayMs: 5, log })).toBe(0);
    expect(written).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(log).not.toHaveBeenCalled();
  });

  it("gives up at the deadline, counting and logging what is lost with the sink's error", async () => {
    const { queue } = failingQueue();
    for (let i = 0; i < 7; i++) queue.enqueue(i);
    const log = vi.fn();
    expect(await drainQueues({ usage: queue }, { timeoutMs: 100, retryDelayMs: 10, log })).toBe(7);
    expect(log).toHaveBeenCalledWith(
      "[usage] shutting down: 7 usage events could not be written and are lost (last error: sink down)",
    );
    expect(queue.stats()).toMatchObject({ pending: 0, dropped: 7 });
  });
});

describe("drainOnShutdown", () => {
  function fakeProcess() {
    const listeners = new Map<string, ((signal?: NodeJS.Signals) => void)[]>();
    const exits: (number | undefined)[] = [];
    const proc: ShutdownProcess = {
      on: (event, listener) => listeners.set(event, [...(listeners.get(event) ?? []), listener]),
      listenerCount: (event) => listeners.get(event)?.length ?? 0,
      exit: ((code?: number) => {
        exits.push(code);
      }) as ShutdownProcess["exit"],
    };
    const emit = (event: string) =>
      listeners.get(event)?.forEach((listener) => listener(event as NodeJS.Signals));
    return { proc, exits, emit, listeners };
  }

  it("holds another handler's exit until the drain is done, then exits with its code", async () => {
    const { queue, written } = failingQueue(1);
    queue.enqueue(1);
    const { proc, exits, emit, listeners } = fakeProcess();
    // Another framework's handler, registered first, that exits once it has closed its server
    // (as Next.js does): a moment later, not at once.
    listeners.set("SIGTERM", [() => void Promise.resolve().then(() => proc.exit(143))]);
    const drain = drainOnShutdown(
      { usage: queue },
      { process: proc, timeoutMs: 1000, retryDelayMs: 20, log: vi.fn() },
    );
    emit("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(exits).toEqual([]); // held: the sink failed once and the retry is pending
    await drain();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(written).toEqual([1]);
    expect(exits).toEqual([143]);
  });

  it("exits by itself when nobody else handles the signal", async () => {
    const { queue } = failingQueue(0);
    const { proc, exits, emit } = fakeProcess();
    const drain = drainOnShutdown({ usage: queue }, { process: proc, log: vi.fn() });
    emit("SIGINT");
    await drain();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(exits).toEqual([130]);
  });

  it("says how many events a real process lost when it is stopped while its sink fails", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", fileURLToPath(new URL("../test/drain-child.ts", import.meta.url)), "42"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    await vi.waitFor(() => expect(stdout).toContain("ready"), { timeout: 20_000, interval: 50 });
    child.kill("SIGTERM");
    const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
    expect(code).toBe(143);
    expect(stderr).toContain(
      "[usage] shutting down: 42 usage events could not be written and are lost (last error: connection refused)",
    );
  }, 30_000);
});
