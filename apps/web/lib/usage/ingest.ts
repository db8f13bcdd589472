import "server-only";

import {
  EVENT_TYPES,
  METRICS,
  usageEventInputSchema,
  usageKeys,
  type EventType,
  type UsageEvent,
} from "@repo/usage";
import { z } from "zod";

import type { ApiKeyContext } from "@/lib/api/with-api-key";
import { safeJsonCheck, safeTextCheck } from "@/lib/validation/text";
import { insertUsageEvents } from "./logging";
import { rawRetentionHorizon, usageRetentionMonths } from "./retention";

/** Limits of POST /api/v1/usage/events. */
export const INGEST_MAX_EVENTS = 1000;
export const INGEST_MAX_BYTES = 1024 * 1024;
/** Requests per key per window before 429. */
export const INGEST_RATE = { windowSeconds: 10, limit: Number(process.env.USAGE_INGEST_RATE_LIMIT ?? 100) };

const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

/** The envelope: validated as a whole (a bad envelope is a 400); events are judged one by one. */
export const ingestEnvelopeSchema = z.object(
  {
    events: z
      .array(z.unknown(), { message: "events must be an array" })
      .min(1, { message: "send at least one event" }),
  },
  { message: 'send an object like {"events": [...]}' },
);

/** The metrics other services may report; the rest are recorded only by the app and its database. */
export const EXTERNAL_EVENT_TYPES = EVENT_TYPES.filter((type) => METRICS[type].external);

/** One event as another service reports it (snake_case, like the rest of the public API). */
export const externalEventSchema = z.strictObject({
  event_type: z.string({ message: "event_type is required" }).superRefine((type, ctx) => {
    if (!(EVENT_TYPES as readonly string[]).includes(type)) {
      ctx.addIssue({
        code: "custom",
        message: `unknown event type ${JSON.stringify(type)}; external services may report ${EXTERNAL_EVENT_TYPES.join(", ")}`,
      });
    } else if (!METRICS[type as EventType].external) {
      ctx.addIssue({
        code: "custom",
        message: `${type} is recorded by the app itself and cannot be reported; external services may report ${EXTERNAL_EVENT_TYPES.join(", ")}`,
      });
    }
  }),
  quantity: z.number({ message: "quantity must be a number" }).optional(),
  user_id: z.uuid({ message: "user_id must be a UUID" }).optional(),
  created_at: z.iso
    .datetime({ offset: true, message: "created_at must be an ISO 8601 timestamp with a time zone" })
    .optional(),
  idempotency_key: z
    .string({ message: "idempotency_key is required" })
    .min(1, { message: "idempotency_key is required" })
    .max(150, { message: "idempotency_key may be at most 150 characters" })
    .check(safeTextCheck()),
  // Text Postgres cannot store (NUL, unpaired surrogates), in any key or value, rejects the event.
  event_data: z
    .record(z.string(), z.unknown(), { message: "event_data must be an object" })
    .check(safeJsonCheck())
    .optional(),
});

export type EventResult =
  | { index: number; idempotency_key: string | null; status: "accepted" | "duplicate" }
  | { index: number; idempotency_key: string | null; status: "rejected"; reason: string };

function describe(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}

/**
 * Validates each event, attributes it (a member of the key's organization, else the key's
 * creator), writes the valid ones in one statement and reports a result per event. Keys are
 * namespaced by organization so one tenant's keys never collide with another's.
 */
export async function ingestEvents(events: unknown[], { principal, admin }: ApiKeyContext, now = new Date()) {
  // Older events would fall into a month retention drops (or has dropped) once rolled up.
  const retentionMonths = usageRetentionMonths();
  const oldest = rawRetentionHorizon(now, retentionMonths);
  const results: EventResult[] = [];
  const rows: (UsageEvent & { index: number })[] = [];

  const candidateUsers = new Set<string>();
  const parsed = events.map((raw) => externalEventSchema.safeParse(raw));
  for (const p of parsed) if (p.success && p.data.user_id) candidateUsers.add(p.data.user_id);
  const members = await orgMembers(admin, principal.orgId, [...candidateUsers]);

  parsed.forEach((p, index) => {
    const rawKey = (events[index] as { idempotency_key?: unknown } | null)?.idempotency_key;
    const key = typeof rawKey === "string" ? rawKey : null;
    if (!p.success)
      return results.push({ index, idempotency_key: key, status: "rejected", reason: describe(p.error) });

    const event = p.data;
    if (event.user_id && !members.has(event.user_id)) {
      return results.push({
        index,
        idempotency_key: key,
        status: "rejected",
        reason: "user_id is not a member of this organization",
      });
    }
    const createdAt = event.created_at ? new Date(event.created_at) : now;
    if (createdAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
      return results.push({
        index,
        idempotency_key: key,
        status: "rejected",
        reason: "created_at is in the future",
      });
    }
    if (oldest && createdAt < oldest) {
      return results.push({
        index,
        idempotency_key: key,
        status: "rejected",
        reason: `created_at is before ${oldest.toISOString().slice(0, 10)}: raw events are kept for ${retentionMonths} months`,
      });
    }
    const checked = usageEventInputSchema.safeParse({
      eventType: event.event_type,
      userId: event.user_id ?? principal.userId,
      orgId: principal.orgId,
      quantity: event.quantity ?? 1,
      eventData: event.event_data ?? {},
      createdAt,
      idempotencyKey: usageKeys.external(principal.orgId, event.idempotency_key),
    });
    if (!checked.success)
      return results.push({
        index,
        idempotency_key: key,
        status: "rejected",
        reason: describe(checked.error),
      });

    const value = checked.data;
    rows.push({
      index,
      user_id: value.userId,
      org_id: value.orgId,
      event_type: value.eventType,
      quantity: value.quantity,
      event_data: { ...value.eventData, source: "ingest", key_id: principal.keyId },
      created_at: createdAt.toISOString(),
      idempotency_key: value.idempotencyKey ?? "",
    });
    results.push({ index, idempotency_key: key, status: "accepted" });
  });

  if (rows.length > 0) {
    // ON CONFLICT DO NOTHING returns only the rows it inserted; the rest were already there
    // (or repeated within this request): duplicates, which are a success.
    const inserted = new Set(await insertUsageEvents(admin, rows, { returnKeys: true, source: "api" }));
    for (const row of rows) {
      const result = results.find((r) => r.index === row.index);
      if (!result) continue;
      if (inserted.has(row.idempotency_key)) inserted.delete(row.idempotency_key);
      else result.status = "duplicate";
    }
  }

  await countRejections(admin, results);
  results.sort((a, b) => a.index - b.index);
  return {
    accepted: results.filter((r) => r.status === "accepted").length,
    duplicates: results.filter((r) => r.status === "duplicate").length,
    rejected: results.filter((r) => r.status === "rejected").length,
    results,
  };
}

async function orgMembers(
  admin: ApiKeyContext["admin"],
  orgId: string,
  userIds: string[],
): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const { data, error } = await admin
    .from("memberships")
    .select("user_id")
    .eq("org_id", orgId)
    .in("user_id", userIds);
  if (error) throw new Error(`Could not check members: ${error.message}`);
  return new Set(data.map((m) => m.user_id));
}

/**
 * Counts the events refused here, by reason (the wording before the first detail), in the hour's
 * ingestion log the console reads. Never fails the request over it.
 */
async function countRejections(admin: ApiKeyContext["admin"], results: EventResult[]) {
  const reasons: Record<string, number> = {};
  for (const result of results) {
    if (result.status !== "rejected") continue;
    const reason = result.reason.replace(/"[^"]*"/g, '"…"').slice(0, 80);
    reasons[reason] = (reasons[reason] ?? 0) + 1;
  }
  const rejected = Object.values(reasons).reduce((sum, n) => sum + n, 0);
  if (rejected === 0) return;
  const { error } = await admin.rpc("record_ingestion_rejections", {
    p_rejected: rejected,
    p_reasons: reasons,
  });
  if (error) console.error("[usage] could not count rejected events:", error.message);
}
