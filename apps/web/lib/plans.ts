/** The plan limit keys of DESIGN.md section 3, in display order, with how to read them. */
export const planLimitLabels = {
  max_records: { label: "Records created / period", unit: "" },
  max_api_calls_per_month: { label: "API calls / period", unit: "" },
  max_automations: { label: "Automation runs / period", unit: "" },
  max_storage_gb: { label: "File storage", unit: "GB" },
  max_schedule_runs_per_month: { label: "Schedule executions / period", unit: "" },
  max_ai_tokens_per_month: { label: "AI tokens / period", unit: "" },
  max_active_users: { label: "Active users / period", unit: "" },
} as const;

export type PlanLimitKey = keyof typeof planLimitLabels;

/** A limit from the plan's jsonb: a number, or null for unlimited. */
export function readLimit(limits: unknown, key: PlanLimitKey): number | null {
  if (!limits || typeof limits !== "object") return null;
  const value = (limits as Record<string, unknown>)[key];
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}
