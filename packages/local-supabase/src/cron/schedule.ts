import { CronExpressionParser } from "cron-parser";

export interface CronJob {
  path: string;
  schedule: string;
}

export interface PlannedRun {
  job: CronJob;
  at: Date;
}

/** `crons` from a parsed vercel.json, keeping only well-formed entries. */
export function cronJobsFrom(vercelJson: unknown): CronJob[] {
  const crons =
    typeof vercelJson === "object" && vercelJson !== null
      ? (vercelJson as { crons?: unknown }).crons
      : undefined;
  if (!Array.isArray(crons)) return [];
  return crons.flatMap((entry: unknown) => {
    const { path, schedule } = (typeof entry === "object" && entry !== null ? entry : {}) as Record<
      string,
      unknown
    >;
    return typeof path === "string" && typeof schedule === "string" ? [{ path, schedule }] : [];
  });
}

/** The first `count` times strictly after `after` at which `schedule` fires, in UTC as Vercel evaluates it. */
export function nextFireTimes(schedule: string, after: Date, count = 1): Date[] {
  const expression = CronExpressionParser.parse(schedule, { currentDate: after, tz: "UTC" });
  return expression.take(count).map((date) => date.toDate());
}

/** Each job's next run after `now`, earliest first; a job with an unparseable schedule is reported, not planned. */
export function planRuns(
  jobs: CronJob[],
  now: Date,
  onInvalid: (job: CronJob, reason: string) => void = () => undefined,
): PlannedRun[] {
  const planned: PlannedRun[] = [];
  for (const job of jobs) {
    try {
      const [at] = nextFireTimes(job.schedule, now);
      if (at) planned.push({ job, at });
    } catch (error) {
      onInvalid(job, error instanceof Error ? error.message : String(error));
    }
  }
  return planned.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/**
 * Splits the plan at `now`: the runs to fire, and the plan with each fired job moved to its next
 * time after `now` (a run missed while the machine slept fires once, not once per missed slot).
 */
export function advancePlan(planned: PlannedRun[], now: Date): { due: PlannedRun[]; next: PlannedRun[] } {
  const due = planned.filter((run) => run.at.getTime() <= now.getTime());
  const waiting = planned.filter((run) => run.at.getTime() > now.getTime());
  const rescheduled = planRuns(
    due.map((run) => run.job),
    now,
  );
  return { due, next: [...waiting, ...rescheduled].sort((a, b) => a.at.getTime() - b.at.getTime()) };
}
