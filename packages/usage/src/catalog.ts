import { z } from "zod";

import { findUnsafeTextAt, textProblem } from "./text";

/**
 * The usage event catalog (docs/architecture.md §3): every metric the product meters, its unit, how
 * it aggregates, and the plan limit it counts against.
 */
export const EVENT_TYPES = [
  "record_created",
  "api_call",
  "automation_run",
  "storage_used",
  "schedule_executed",
  "ai_tokens_used",
  "user_active",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export type MetricKind = "counter" | "gauge" | "unique";

export interface MetricDefinition {
  type: EventType;
  label: string;
  unit: string;
  kind: MetricKind;
  limitKey: string;
  /** Whether a negative quantity is meaningful (only the storage delta). */
  signed: boolean;
  /**
   * Whether other services may report it through POST /api/v1/usage/events. Everything else is
   * recorded only by the app and its database, so no tenant can add to it or take from it.
   */
  external: boolean;
  /**
   * The event_data fields (at most two) the metric is broken down by on dashboards; roll-ups keep
   * them, so breakdowns never read raw history.
   */
  dimensions: readonly string[];
}

export const METRICS: Record<EventType, MetricDefinition> = {
  record_created: {
    type: "record_created",
    label: "Records created",
    unit: "records",
    kind: "counter",
    limitKey: "max_records_per_month",
    signed: false,
    external: false,
    dimensions: [],
  },
  api_call: {
    type: "api_call",
    label: "API calls",
    unit: "calls",
    kind: "counter",
    limitKey: "max_api_calls_per_month",
    signed: false,
    external: false,
    dimensions: ["route", "status"],
  },
  automation_run: {
    type: "automation_run",
    label: "Automation runs",
    unit: "runs",
    kind: "counter",
    limitKey: "max_automation_runs_per_month",
    signed: false,
    external: false,
    dimensions: [],
  },
  storage_used: {
    type: "storage_used",
    label: "Storage",
    unit: "bytes",
    kind: "gauge",
    limitKey: "max_storage_gb",
    signed: true,
    external: false,
    dimensions: [],
  },
  schedule_executed: {
    type: "schedule_executed",
    label: "Schedule executions",
    unit: "executions",
    kind: "counter",
    limitKey: "max_schedule_runs_per_month",
    signed: false,
    external: false,
    dimensions: [],
  },
  ai_tokens_used: {
    type: "ai_tokens_used",
    label: "AI tokens",
    unit: "tokens",
    kind: "counter",
    limitKey: "max_ai_tokens_per_month",
    signed: false,
    external: true,
    dimensions: ["model"],
  },
  user_active: {
    type: "user_active",
    label: "Active users",
    unit: "users",
    kind: "unique",
    limitKey: "max_active_users",
    signed: false,
    external: false,
    dimensions: [],
  },
};

const uuid = z.uuid({ message: "must be a UUID" });
const shortText = z.string().max(200);

/** What each event type may carry in event_data; unknown keys are kept (other services add their own). */
export const eventDataSchemas = {
  record_created: z.looseObject({ record_id: uuid.optional(), source: z.enum(["app", "api"]).optional() }),
  api_call: z.looseObject({
    route: shortText,
    method: z.string().max(10),
    status: z.number().int().min(100).max(599),
    key_id: uuid.optional(),
  }),
  automation_run: z.looseObject({
    automation_id: uuid.optional(),
    run_id: uuid.optional(),
    trigger: z.string().max(20).optional(),
  }),
  storage_used: z.looseObject({
    file_id: uuid.optional(),
    record_id: uuid.optional(),
    operation: z.enum(["upload", "delete"]).optional(),
  }),
  schedule_executed: z.looseObject({
    schedule_id: uuid.optional(),
    automation_id: uuid.optional(),
    run_id: uuid.optional(),
  }),
  ai_tokens_used: z.looseObject({
    model: shortText,
    prompt_tokens: z.number().int().nonnegative(),
    completion_tokens: z.number().int().nonnegative(),
    request_id: uuid.optional(),
  }),
  user_active: z.looseObject({ date: z.iso.date().optional() }),
} satisfies Record<EventType, z.ZodType>;

/** The largest quantity one event may carry: a sanity bound that keeps sums far from overflow. */
export const MAX_QUANTITY = 1e15;
/** event_data is metadata, not payload. */
export const MAX_EVENT_DATA_BYTES = 4096;

const eventTypeSchema = z.enum(EVENT_TYPES, {
  error: (issue) =>
    `unknown event type ${JSON.stringify(issue.input)}; expected one of ${EVENT_TYPES.join(", ")}`,
});

/** The length of a value as JSON; Infinity when it cannot be written (nested too deeply, cyclic). */
function jsonLength(value: unknown): number {
  try {
    return JSON.stringify(value).length;
  } catch {
    return Infinity;
  }
}

/** One usage event as callers describe it, before stamping. */
export const usageEventInputSchema = z
  .object({
    eventType: eventTypeSchema,
    userId: uuid,
    orgId: uuid.nullable().default(null),
    quantity: z.number({ message: "must be a number" }).finite({ message: "must be finite" }).default(1),
    eventData: z.record(z.string(), z.unknown()).default({}),
    createdAt: z.union([z.date(), z.iso.datetime({ offset: true })]).optional(),
    idempotencyKey: z.string().min(1).max(200).optional(),
  })
  .superRefine((event, ctx) => {
    const metric = METRICS[event.eventType];
    if (!metric.signed && event.quantity < 0) {
      ctx.addIssue({
        code: "custom",
        path: ["quantity"],
        message: `${event.eventType} cannot have a negative quantity`,
      });
    }
    if (Math.abs(event.quantity) > MAX_QUANTITY) {
      ctx.addIssue({
        code: "custom",
        path: ["quantity"],
        message: `must be at most ${MAX_QUANTITY} in size`,
      });
    }
    if (metric.kind !== "gauge" && !Number.isInteger(event.quantity)) {
      ctx.addIssue({ code: "custom", path: ["quantity"], message: `${event.eventType} counts whole units` });
    }
    const data = eventDataSchemas[event.eventType].safeParse(event.eventData);
    if (!data.success) {
      for (const issue of data.error.issues) {
        ctx.addIssue({
          code: "custom",
          path: ["eventData", ...issue.path.map(String)],
          message: issue.message,
        });
      }
    }
    // Postgres refuses NULs and unpaired surrogates: one such event would fail its whole batch.
    const unsafe = findUnsafeTextAt(event.eventData, ["eventData"]);
    if (unsafe) ctx.addIssue({ code: "custom", path: unsafe.path, message: unsafe.problem });
    const keyProblem = event.idempotencyKey === undefined ? null : textProblem(event.idempotencyKey);
    if (keyProblem) ctx.addIssue({ code: "custom", path: ["idempotencyKey"], message: keyProblem });
    if (jsonLength(event.eventData) > MAX_EVENT_DATA_BYTES) {
      ctx.addIssue({
        code: "custom",
        path: ["eventData"],
        message: `must be at most ${MAX_EVENT_DATA_BYTES} bytes as JSON`,
      });
    }
  });

export type UsageEventInput = z.input<typeof usageEventInputSchema>;

/** An event ready to store: validated, stamped, keyed. Field names match the usage_events columns. */
export interface UsageEvent {
  user_id: string;
  org_id: string | null;
  event_type: EventType;
  quantity: number;
  event_data: Record<string, unknown>;
  created_at: string;
  idempotency_key: string;
}
