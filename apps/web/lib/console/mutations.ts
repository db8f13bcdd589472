import "server-only";

import type { PeriodType } from "@repo/usage";

import { createAdminSupabaseClient } from "@/lib/supabase/admin";
import {
  invalidateUsageRollups,
  triggerUsageAggregation,
  type AggregationResult,
} from "@/lib/usage/aggregation";

/**
 * Rolls up a chosen range now (a console action, after requireAdmin): the run is logged like the
 * cron's, cached roll-up reads are dropped, and limit alerts are checked again.
 */
export async function runAggregationNow(params: {
  periodType: PeriodType;
  start: Date;
  end: Date;
}): Promise<AggregationResult> {
  const result = await triggerUsageAggregation({
    periodType: params.periodType,
    startDate: params.start,
    endDate: params.end,
  });
  invalidateUsageRollups();
  const { error } = await createAdminSupabaseClient().rpc("record_usage_alerts");
  if (error) console.error("[console] could not record limit alerts:", error.message);
  return result;
}
