import { METRICS, type EventType } from "@repo/usage";
import { z } from "zod";

import { AppError } from "@/lib/errors";
import { formatBytes, formatDateTime, formatInteger } from "@/lib/format";

/** What check_usage_limit returns, and what a PT402 refusal carries in its `details`. */
export const limitStatusSchema = z.object({
  metric: z.enum(Object.keys(METRICS) as [EventType, ...EventType[]]),
  limit: z.number().nullable(),
  used: z.number(),
  adding: z.number(),
  exceeded: z.boolean(),
  plan: z.string(),
  plan_name: z.string(),
  limit_key: z.string(),
  period_start: z.string(),
  period_end: z.string(),
});

export type LimitStatusDetails = z.infer<typeof limitStatusSchema>;

function describeAmount(metric: EventType, value: number): string {
  return metric === "storage_used" ? formatBytes(value) : `${formatInteger(value)} ${METRICS[metric].unit}`;
}

/** The 402 for a refused gated action: names the limit, the usage and the plan. */
export function limitExceededError(status: LimitStatusDetails): AppError {
  const { metric } = status;
  const limit = status.limit ?? 0;
  const per =
    metric === "storage_used"
      ? ""
      : ` per billing period (this one ends ${formatDateTime(status.period_end)})`;
  return new AppError(
    "payment_required",
    `Limit reached for ${METRICS[metric].label}: the ${status.plan_name} plan allows ${describeAmount(metric, limit)}${per}, and this organization has used ${describeAmount(metric, status.used)}. Upgrade the plan to continue.`,
    {
      metric,
      limit_key: status.limit_key,
      limit,
      used: status.used,
      plan: status.plan,
    },
  );
}
