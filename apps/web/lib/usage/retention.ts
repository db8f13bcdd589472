import { addUtcMonths, startOfUtcMonth } from "@repo/usage";
import type { SupabaseClient } from "@supabase/supabase-js";
import { z } from "zod";

import { parseEnv } from "@/lib/env";
import type { Database } from "@/lib/supabase/database.types";

/**
 * How long raw events are kept, and how long one cron run may roll up. Raw months older than
 * USAGE_RETENTION_MONTHS (default 13; 0 keeps every raw event) are dropped once rolled up;
 * roll-ups are kept for good.
 */
const retentionSchema = z.object({
  USAGE_RETENTION_MONTHS: z.coerce
    .number({ message: "USAGE_RETENTION_MONTHS must be a whole number of months" })
    .int("USAGE_RETENTION_MONTHS must be a whole number of months")
    .refine((months) => months === 0 || (months >= 2 && months <= 120), {
      message: "USAGE_RETENTION_MONTHS must be 0 (keep every raw event) or between 2 and 120",
    })
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

/** Months of raw events kept; null: every raw event is kept (USAGE_RETENTION_MONTHS=0). */
export function usageRetentionMonths(): number | null {
  return settings().USAGE_RETENTION_MONTHS || null;
}

export function usageAggregationBudgetMs(): number {
  return settings().USAGE_AGGREGATION_BUDGET_MS;
}

/**
 * The oldest instant raw events are kept from once retention has run: the start of the UTC month
 * `months` before this one. Events older than that are refused by the ingestion API.
 */
export function rawRetentionHorizon(now: Date, months: number | null = usageRetentionMonths()): Date | null {
  return months === null ? null : addUtcMonths(startOfUtcMonth(now), -months);
}

/** Where raw events start now (null: retention has dropped nothing yet), as the database says. */
export async function readRawEventsFrom(admin: SupabaseClient<Database>): Promise<Date | null> {
  const { data, error } = await admin.from("usage_retention").select("raw_from").maybeSingle();
  if (error) throw new Error(`Could not read usage retention: ${error.message}`);
  return data?.raw_from ? new Date(data.raw_from) : null;
}

/** What a reader tells its caller when [from, …) reaches before the raw events kept. */
export function retentionNotice(from: Date, rawFrom: Date | null): string | null {
  if (!rawFrom || from >= rawFrom) return null;
  return (
    `Raw events before ${rawFrom.toISOString()} are no longer kept (retention); ` +
    "usage before then comes from daily and monthly roll-ups, in whole UTC days."
  );
}
