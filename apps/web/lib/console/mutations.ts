import "server-only";

import { startOfUtcDay, startOfUtcMonth, type PeriodType } from "@repo/usage";

import { createAdminSupabaseClient } from "@/lib/supabase/admin";
import {
  eachPeriod,
  invalidateUsageRollups,
  triggerUsageAggregation,
  type AggregationResult,
} from "@/lib/usage/aggregation";

/**
 * Rolls up a chosen range now (a console action, after requireAdmin()), one day or month per
 * call as the cron does, so a long range cannot run into the statement timeout. Each call is
 * logged as a run; cached roll-up reads are dropped and limit alerts checked again.
 */
export async function runAggregationNow(params: {
  periodType: PeriodType;
  start: Date;
  end: Date;
}): Promise<AggregationResult> {
  const start = params.periodType === "daily" ? startOfUtcDay(params.start) : startOfUtcMonth(params.start);
  const results: AggregationResult[] = [];
  for (const step of eachPeriod(params.periodType, start, params.end))
    results.push(await triggerUsageAggregation(step));
  invalidateUsageRollups();
  const { error } = await createAdminSupabaseClient().rpc("record_usage_alerts");
  if (error) console.error("[console] could not record limit alerts:", error.message);
  return {
    period_type: params.periodType,
    period_start: results[0]?.period_start ?? start.toISOString(),
    period_end: results.at(-1)?.period_end ?? params.end.toISOString(),
    rows_upserted: results.reduce((sum, r) => sum + r.rows_upserted, 0),
    rows_deleted: results.reduce((sum, r) => sum + r.rows_deleted, 0),
    duration_ms: results.reduce((sum, r) => sum + r.duration_ms, 0),
  };
}
