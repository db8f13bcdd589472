import { readFileSync } from "node:fs";
import { advancePlan, cronJobsFrom, planRuns, type CronJob, type PlannedRun } from "./schedule.ts";

export interface AppReadiness {
  /** Give up waiting after this long and start the schedule anyway (default 5 minutes). */
  timeoutMs?: number;
  /** First pause between attempts, doubled after each refused one (default 100 ms). */
  initialDelayMs?: number;
  /** Longest pause between attempts (default 2 s). */
  maxDelayMs?: number;
}

export interface CronRunnerOptions {
  vercelJsonPath: string;
  appUrl: string;
  cronSecret: string;
  log?: (line: string) => void;
  /** How long to wait for the app to answer before the schedule starts. */
  readiness?: AppReadiness;
}

export interface CronRunner {
  /** Resolves once the app answered (or the wait gave up, or the runner was stopped) and the schedule runs. */
  started: Promise<void>;
  stop(): void;
}

// Wake at least this often, so a sleeping laptop or a clock change cannot push a run far off.
const MAX_SLEEP_MS = 60_000;
const REQUEST_TIMEOUT_MS = 5 * 60_000;
// `next dev` compiles on the first request; a cold start can take a while.
const READY_TIMEOUT_MS = 5 * 60_000;
const PROBE_TIMEOUT_MS = 10_000;

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    timer.unref();
    signal.addEventListener("abort", done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}

/**
 * Resolves true once a GET of `url` gets an HTTP answer, whatever its status (Next.js redirects `/`
 * to a locale without rendering a page), and false at the deadline or when `signal` aborts.
 * Refused connections are retried with a doubling pause.
 */
export async function waitUntilAnswering(
  url: string,
  readiness: AppReadiness,
  signal: AbortSignal,
): Promise<boolean> {
  const deadline = Date.now() + (readiness.timeoutMs ?? READY_TIMEOUT_MS);
  const maxDelay = readiness.maxDelayMs ?? 2000;
  let delay = readiness.initialDelayMs ?? 100;
  while (!signal.aborted) {
    try {
      const timeout = Math.max(1, Math.min(PROBE_TIMEOUT_MS, deadline - Date.now()));
      const response = await fetch(url, {
        redirect: "manual",
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeout)]),
      });
      await response.body?.cancel().catch(() => undefined);
      return true;
    } catch {
      // not listening yet (or too slow to answer): try again
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) return false;
    await pause(Math.min(delay, remaining), signal);
    delay = Math.min(delay * 2, maxDelay);
  }
  return false;
}

function readJobs(path: string, log: (line: string) => void): CronJob[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    log(`[cron] no ${path}: no scheduled jobs`);
    return [];
  }
  try {
    return cronJobsFrom(JSON.parse(text));
  } catch (error) {
    log(`[cron] cannot parse ${path}: ${error instanceof Error ? error.message : String(error)}`);
    return [];
  }
}

/**
 * Calls the app's cron routes on the schedules in vercel.json, with `Authorization: Bearer
 * <CRON_SECRET>` as Vercel does. The schedule starts once the app answers at `appUrl`, so no run
 * is lost to a server that is still starting. Never throws: every failure becomes one log line.
 */
export function startCronRunner(options: CronRunnerOptions): CronRunner {
  const log = options.log ?? (() => undefined);
  const jobs = planRuns(readJobs(options.vercelJsonPath, log), new Date(), (job, reason) =>
    log(`[cron] skipping ${job.path}: invalid schedule "${job.schedule}" (${reason})`),
  ).map((run) => run.job);
  let plan: PlannedRun[] = [];
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const stopping = new AbortController();

  const fire = (job: CronJob): void => {
    const started = Date.now();
    const target = new URL(job.path, options.appUrl).toString();
    fetch(target, {
      headers: { authorization: `Bearer ${options.cronSecret}` },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    })
      .then(async (response) => {
        await response.arrayBuffer().catch(() => undefined);
        log(`[cron] GET ${job.path} -> ${response.status} (${Date.now() - started} ms)`);
      })
      .catch((error: unknown) => {
        const reason =
          error instanceof Error
            ? error.cause instanceof Error
              ? error.cause.message
              : error.message
            : String(error);
        log(`[cron] GET ${job.path} failed: ${reason}`);
      });
  };

  const tick = (): void => {
    if (stopped) return;
    try {
      const { due, next } = advancePlan(plan, new Date());
      plan = next;
      for (const run of due) fire(run.job);
    } catch (error) {
      log(`[cron] ${error instanceof Error ? error.message : String(error)}`);
    }
    schedule();
  };

  const schedule = (): void => {
    const first = plan[0];
    if (stopped || !first) return;
    const wait = Math.min(Math.max(first.at.getTime() - Date.now(), 0), MAX_SLEEP_MS);
    timer = setTimeout(tick, wait);
    timer.unref();
  };

  const start = async (): Promise<void> => {
    if (jobs.length === 0) return;
    const probe = new URL("/", options.appUrl).toString();
    const readiness = options.readiness ?? {};
    const answered = await waitUntilAnswering(probe, readiness, stopping.signal);
    if (stopped) return;
    if (!answered) {
      const seconds = Math.round((readiness.timeoutMs ?? READY_TIMEOUT_MS) / 1000);
      log(`[cron] ${probe} did not answer within ${seconds} s; running the schedule anyway`);
    }
    // Planned from now: a run whose time passed while the app was starting is not made up.
    plan = planRuns(jobs, new Date());
    log(`[cron] ${plan.map((run) => `${run.job.path} (${run.job.schedule})`).join(", ")}`);
    schedule();
  };

  return {
    started: start(),
    stop: () => {
      stopped = true;
      stopping.abort();
      if (timer) clearTimeout(timer);
    },
  };
}
