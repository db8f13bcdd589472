import { addUtcMonths, startOfUtcMonth } from "@repo/usage";
import { z } from "zod";

import { parseEnv } from "@/lib/env";

/**
 * How long raw events are kept, and how long one cron run may roll up. Raw months older than
 * USAGE_RETENTION_MONTHS (default 13) are dropped once rolled up; roll-ups are kept for good.
 */
const retentionSchema = z.object({
  USAGE_RETENTION_MONTHS: z.coerce
    .number({ message: "USAGE_RETENTION_MONTHS must be a whole number of months" })
    .int("USAGE_RETENTION_MONTHS must be a whole number of months")
    .min(2, "USAGE_RETENTION_MONTHS must be at least 2")
    .max(120, "USAGE_RETENTION_MONTHS must be at most 120")
    .default(13),
  USAGE_AGGREGATION_BUDGET_MS: z.coerce
    .number({ message: "USAGE_AGGREGATION_BUDGET_MS must be a number of milliseconds" })
    .int("USAGE_AGGREGATION_BUDGET_MS must be a whole number of milliseconds")
    .min(1_000, "USAGE_AGGREGATION_BUDGET_MS must be at least 1000")
    .default(240_000),
});

function settings() {
  return parseEnv(retentionSchema, {
    USAGE_RETENTION_MONTHS: process.env.USAGE_RETENTION_MONTHS || undefined,
    USAGE_AGGREGATION_BUDGET_MS: process.env.USAGE_AGGREGATION_BUDGET_MS || undefined,
  });
}

export function usageRetentionMonths(): number {
  return settings().USAGE_RETENTION_MONTHS;
}

export function usageAggregationBudgetMs(): number {
  return settings().USAGE_AGGREGATION_BUDGET_MS;
}

/**
 * The oldest instant raw events are kept from once retention has run: the start of the UTC month
 * `months` before this one. Events older than that are refused by the ingestion API.
 */
export function rawRetentionHorizon(now: Date, months: number = usageRetentionMonths()): Date {
  return addUtcMonths(startOfUtcMonth(now), -months);
}
