import { NextResponse } from "next/server";

import { withCron } from "@/lib/api/with-cron";
import { invalidateUsageRollups, runScheduledAggregation } from "@/lib/usage/aggregation";

export const dynamic = "force-dynamic";
// A long catch-up (after weeks of missed runs) may take a while.
export const maxDuration = 300;

/**
 * Keeps partitions ahead, rolls up every day not yet rolled up through yesterday, every day that
 * received late events and every closed month not yet rolled up or touched by them, one period
 * per call, then applies retention. A backlog larger than USAGE_AGGREGATION_BUDGET_MS allows is
 * reported in `remaining` and continued by the next run. Scheduled in vercel.json.
 */
export const GET = withCron(async () => {
  const started = Date.now();
  const summary = await runScheduledAggregation();
  if (summary.runs.length > 0) invalidateUsageRollups();
  // A failed range is a server-side problem the scheduler should see as a failed job.
  return NextResponse.json(
    { ...summary, durationMs: Date.now() - started },
    { status: summary.failures.length ? 500 : 200 },
  );
});
