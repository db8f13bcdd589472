import { readFileSync } from "node:fs";
import { advancePlan, cronJobsFrom, planRuns, type CronJob, type PlannedRun } from "./schedule.ts";

export interface CronRunnerOptions {
  vercelJsonPath: string;
  appUrl: string;
  cronSecret: string;
  log?: (line: string) => void;
}

// Wake at least this often, so a sleeping laptop or a clock change cannot push a run far off.
const MAX_SLEEP_MS = 60_000;
const REQUEST_TIMEOUT_MS = 5 * 60_000;

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
 * <CRON_SECRET>` as Vercel does. Never throws: every failure becomes one log line.
 */
export function startCronRunner(options: CronRunnerOptions): { stop(): void } {
  const log = options.log ?? (() => undefined);
  const jobs = readJobs(options.vercelJsonPath, log);
  let plan: PlannedRun[] = planRuns(jobs, new Date(), (job, reason) =>
    log(`[cron] skipping ${job.path}: invalid schedule "${job.schedule}" (${reason})`),
  );
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

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

  if (plan.length > 0) {
    log(`[cron] ${plan.map((run) => `${run.job.path} (${run.job.schedule})`).join(", ")}`);
  }
  schedule();
  return {
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
