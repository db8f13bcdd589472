// Compares the crons declared in vercel.json with those a `vercel build` registered in
// .vercel/output/config.json (Build Output API v3). Used by check-vercel-build.ts; unit-tested in
// tests/repo/vercel-crons.test.ts.
import { cronJobsFrom, type CronJob } from "../packages/local-supabase/src/cron/schedule.ts";

export type { CronJob };

export interface CronCheck {
  /** The crons vercel.json declares. */
  declared: CronJob[];
  /** The crons the build output registers. */
  registered: CronJob[];
  /** Declared crons the output does not register with the same path and schedule. */
  missing: CronJob[];
}

export const describeCron = (job: CronJob): string => `${job.path} (${job.schedule})`;

export function checkCrons(vercelJson: unknown, outputConfig: unknown): CronCheck {
  const declared = cronJobsFrom(vercelJson);
  const registered = cronJobsFrom(outputConfig);
  const missing = declared.filter(
    (job) => !registered.some((entry) => entry.path === job.path && entry.schedule === job.schedule),
  );
  return { declared, registered, missing };
}

/** One line per problem; empty when every declared cron is registered. */
export function cronProblems(check: CronCheck): string[] {
  if (check.declared.length === 0) return ["vercel.json declares no crons: nothing to check"];
  return check.missing.map((job) => {
    const samePath = check.registered.find((entry) => entry.path === job.path);
    return samePath
      ? `${describeCron(job)} is registered with schedule "${samePath.schedule}" instead`
      : `${describeCron(job)} is not registered in .vercel/output/config.json`;
  });
}
