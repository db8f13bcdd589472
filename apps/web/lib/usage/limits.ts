import "server-only";

import { billingRange, checkLimit, METRICS, type EventType, type LimitCheck } from "@repo/usage";

import { AppError } from "@/lib/errors";
import { formatBytes, formatDateTime, formatInteger } from "@/lib/format";
import { createAdminSupabaseClient } from "@/lib/supabase/admin";

import { getCurrentUsage } from "./server";

export interface OrgPlan {
  planId: string;
  planName: string;
  limits: unknown;
  periodStart: Date;
  periodEnd: Date;
}

/** The organization's plan and billing period (the subscription's, else the current UTC month). */
export async function getOrgPlan(orgId: string, now: Date = new Date()): Promise<OrgPlan> {
  const { data, error } = await createAdminSupabaseClient()
    .from("org_subscriptions")
    .select("plan_id, status, current_period_start, current_period_end, plans(name, limits)")
    .eq("org_id", orgId)
    .maybeSingle();
  if (error) throw new Error(`Could not read the plan: ${error.message}`);
  // No subscription (or a canceled one) means the free plan's limits.
  if (!data || data.status === "canceled") {
    const free = await createAdminSupabaseClient()
      .from("plans")
      .select("name, limits")
      .eq("id", "free")
      .single();
    if (free.error) throw new Error(`Could not read the free plan: ${free.error.message}`);
    const range = billingRange(now);
    return {
      planId: "free",
      planName: free.data.name,
      limits: free.data.limits,
      periodStart: range.start,
      periodEnd: range.end,
    };
  }
  const range = billingRange(now, {
    start: new Date(data.current_period_start),
    end: new Date(data.current_period_end),
  });
  return {
    planId: data.plan_id,
    planName: data.plans?.name ?? data.plan_id,
    limits: data.plans?.limits ?? null,
    periodStart: range.start,
    periodEnd: range.end,
  };
}

function describeAmount(metric: EventType, value: number): string {
  return metric === "storage_used" ? formatBytes(value) : `${formatInteger(value)} ${METRICS[metric].unit}`;
}

/**
 * Refuses a gated action once the organization's usage has reached its plan's limit for the
 * metric (or would pass it by `adding`). The error names the limit, the usage and the plan.
 * Reads exact current usage (roll-ups + the live tail), so a record created a second ago counts.
 */
export async function assertWithinLimit(
  orgId: string,
  metric: EventType,
  adding = 0,
  now: Date = new Date(),
): Promise<LimitCheck> {
  const plan = await getOrgPlan(orgId, now);
  const usage = await getCurrentUsage({ orgId }, { start: plan.periodStart, end: now });
  const check = checkLimit(metric, usage.totals[metric].total, plan.limits, adding);
  if (check.status === "exceeded" && check.limit !== null) {
    const per =
      metric === "storage_used"
        ? ""
        : ` per billing period (this one ends ${formatDateTime(plan.periodEnd)})`;
    throw new AppError(
      "payment_required",
      `Limit reached for ${METRICS[metric].label}: the ${plan.planName} plan allows ${describeAmount(metric, check.limit)}${per}, and this organization has used ${describeAmount(metric, check.used)}. Upgrade the plan to continue.`,
      {
        metric,
        limit_key: METRICS[metric].limitKey,
        limit: check.limit,
        used: check.used,
        plan: plan.planId,
      },
    );
  }
  return check;
}
