import { METRICS, type EventType } from "./catalog";

/** Storage limits are set in GB (GiB) on plans and compared with bytes. */
const BYTES_PER_GB = 1024 ** 3;

export type LimitStatus = "ok" | "warning" | "exceeded" | "unlimited";

export interface LimitCheck {
  metric: EventType;
  used: number;
  /** In the metric's own unit (bytes for storage); null = unlimited. */
  limit: number | null;
  /** used / limit, 0..∞; null when unlimited. */
  ratio: number | null;
  status: LimitStatus;
}

export const WARNING_RATIO = 0.8;

/** Reads a plan's limit for a metric from its jsonb limits, in the metric's unit; null = unlimited. */
export function limitFor(metric: EventType, limits: unknown): number | null {
  if (!limits || typeof limits !== "object") return null;
  const raw = (limits as Record<string, unknown>)[METRICS[metric].limitKey];
  if (typeof raw !== "number" || !Number.isFinite(raw)) return null;
  return metric === "storage_used" ? raw * BYTES_PER_GB : raw;
}

/**
 * Where usage stands against a limit: at 80% a warning, at 100% exceeded (the gated action is
 * refused). `adding` is what the action is about to use (1 record, N bytes); the check refuses
 * when the usage would pass the limit, and always once it has reached it.
 */
export function checkLimit(metric: EventType, used: number, limits: unknown, adding = 0): LimitCheck {
  const limit = limitFor(metric, limits);
  if (limit === null) return { metric, used, limit, ratio: null, status: "unlimited" };
  const ratio = limit === 0 ? (used > 0 ? Infinity : 0) : used / limit;
  const exceeded = used >= limit || (adding > 0 && used + adding > limit);
  return {
    metric,
    used,
    limit,
    ratio,
    status: exceeded ? "exceeded" : ratio >= WARNING_RATIO ? "warning" : "ok",
  };
}
