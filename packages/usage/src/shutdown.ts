/**
 * Draining usage queues when a long-running server stops. On SIGTERM or SIGINT (and when the event
 * loop empties, `beforeExit`), every queue is flushed, retrying for a bounded time while its sink
 * fails; whatever still cannot be written is discarded, counted and logged with its number, never
 * lost in silence. A server framework that exits on the same signal (Next.js calls process.exit()
 * once it has closed its server) is held until the drain has finished.
 */

export interface DrainableQueue {
  flush(): Promise<void>;
  stats(): { pending: number };
  lastError(): string | null;
  discard(): number;
}

export interface ShutdownProcess {
  on(event: "SIGTERM" | "SIGINT" | "beforeExit", listener: (signal?: NodeJS.Signals) => void): unknown;
  listenerCount(event: string): number;
  exit: (code?: number) => never;
}

export interface DrainOptions {
  /** How long the drain may take before the rest is given up. */
  timeoutMs?: number;
  /** Pause between attempts while a sink fails. */
  retryDelayMs?: number;
  log?: (line: string) => void;
  process?: ShutdownProcess;
}

const SIGNAL_EXIT_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Flushes the queues until they are empty or the deadline passes; returns the events given up. */
export async function drainQueues(
  queues: Record<string, DrainableQueue>,
  { timeoutMs = 5000, retryDelayMs = 200, log = console.error }: DrainOptions = {},
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const entries = Object.entries(queues);
  while (entries.some(([, queue]) => queue.stats().pending > 0) && Date.now() < deadline) {
    await Promise.race([
      Promise.all(entries.map(([, queue]) => queue.flush())),
      sleep(Math.max(0, deadline - Date.now())),
    ]);
    if (entries.some(([, queue]) => queue.stats().pending > 0))
      await sleep(Math.min(retryDelayMs, Math.max(0, deadline - Date.now())));
  }
  let lost = 0;
  for (const [name, queue] of entries) {
    const reason = queue.lastError();
    const discarded = queue.discard();
    if (discarded > 0) {
      lost += discarded;
      log(
        `[usage] shutting down: ${discarded} ${name} ${discarded === 1 ? "event" : "events"} could not be written and are lost` +
          (reason ? ` (last error: ${reason})` : " (the drain timed out)"),
      );
    }
  }
  return lost;
}

/**
 * Installs the shutdown drain once per process. Returns a function that runs the drain now (for
 * tests and explicit shutdowns).
 */
export function drainOnShutdown(queues: Record<string, DrainableQueue>, options: DrainOptions = {}) {
  const proc = options.process ?? (process as unknown as ShutdownProcess);
  let draining: Promise<number> | null = null;
  const drain = () => (draining ??= drainQueues(queues, options));

  const onSignal = (signal?: NodeJS.Signals) => {
    const code = SIGNAL_EXIT_CODES[signal ?? ""] ?? 1;
    const done = drain();
    // Hold an exit requested by anyone else (Next.js exits once its server has closed) until the
    // drain is over.
    const exit = proc.exit;
    proc.exit = ((exitCode?: number) => {
      void done.finally(() => exit.call(proc, exitCode));
    }) as ShutdownProcess["exit"];
    // Alone on this signal, we are the ones to end the process, as Node would have without us.
    if (proc.listenerCount(signal ?? "SIGTERM") <= 1) void done.finally(() => exit.call(proc, code));
  };
  proc.on("SIGTERM", onSignal);
  proc.on("SIGINT", onSignal);
  // The event loop ran dry (a script, a test run): write what is left, once.
  proc.on("beforeExit", () => {
    void drain();
  });
  return drain;
}
