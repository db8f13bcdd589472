import "server-only";

import { billingRange, METRICS, type EventType } from "@repo/usage";

import { createAdminSupabaseClient } from "@/lib/supabase/admin";

import { limitExceededError, limitStatusSchema, type LimitStatusDetails } from "./limit-errors";

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

/**
 * Where the organization stands against its plan's limit for a metric this billing period, read
 * in one round trip by the database function the hard limits use (check_usage_limit). Exact:
 * roll-ups plus the live tail, so a record created a second ago counts.
 */
export async function getLimitStatus(
  orgId: string,
  metric: EventType,
  adding = 0,
): Promise<LimitStatusDetails> {
  const { data, error } = await createAdminSupabaseClient().rpc("check_usage_limit", {
    p_org_id: orgId,
    p_metric: metric,
    p_adding: adding,
  });
  if (error) throw new Error(`Could not read the ${METRICS[metric].label} limit: ${error.message}`);
  return limitStatusSchema.parse(data);
}

/**
 * A pre-check for actions whose cost is known only afterwards (an AI call) or that hand out a
 * capability (an upload URL): refuses with a 402 naming the limit, the usage and the plan once the
 * limit is reached (or would be passed by `adding`). The database enforces the limit again,
 * atomically, where the usage is written.
 */
export async function assertWithinLimit(
  orgId: string,
  metric: EventType,
  adding = 0,
): Promise<LimitStatusDetails> {
  const status = await getLimitStatus(orgId, metric, adding);
  if (status.exceeded) throw limitExceededError(status);
  return status;
}

export type { LimitStatusDetails };
