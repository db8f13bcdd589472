import "server-only";

import { randomUUID } from "node:crypto";

import {
  drainOnShutdown,
  UsageQueue,
  usageEventInputSchema,
  usageKeys,
  type Sink,
  type UsageEvent,
  type UsageEventInput,
} from "@repo/usage";
import { after } from "next/server";

import { createAdminSupabaseClient } from "@/lib/supabase/admin";
import type { Json } from "@/lib/supabase/database.types";

/**
 * Writing usage that the database does not record itself: logUsage() and its queue (active users
 * today, and any metric a later feature logs from the app), the statuses of admitted API calls, and
 * the batch writer the ingestion API shares. Logging returns at once, never throws or rejects, and
 * never makes the user's action wait or fail.
 */

export type LogUsageParams = UsageEventInput;

/** Rows per ingest_usage_events call (one round trip each); measured fastest here with 4 in parallel. */
const ROWS_PER_INSERT = 2500;
/** A queue batch is written as up to this many calls in parallel. */
const PARALLEL_INSERTS = 4;

type AdminClient = ReturnType<typeof createAdminSupabaseClient>;

/**
 * Stores events through the ingest_usage_events RPC: rows as compact arrays, one INSERT per
 * call, repeated idempotency keys skipped. With `returnKeys` the keys actually inserted come back.
 */
export async function insertUsageEvents(
  client: AdminClient,
  events: readonly UsageEvent[],
  options: { returnKeys?: boolean; source?: "queue" | "api" } = {},
): Promise<string[]> {
  const rows = events.map((e) => [
    e.user_id,
    e.org_id,
    e.event_type,
    e.quantity,
    e.event_data,
    e.created_at,
    e.idempotency_key,
  ]);
  const { data, error } = await client.rpc("ingest_usage_events", {
    p_rows: rows as Json,
    p_return_keys: options.returnKeys ?? false,
    p_source: options.source ?? "queue",
  });
  if (error) throw new Error(`usage_events insert failed: ${error.message}`);
  return data ?? [];
}

/** Writes one queue batch as parallel calls of at most 2,500 rows; retrying a partly written batch is safe. */
export const supabaseUsageSink: Sink<UsageEvent> = {
  async write(batch) {
    const client = createAdminSupabaseClient();
    const chunks: UsageEvent[][] = [];
    for (let i = 0; i < batch.length; i += ROWS_PER_INSERT) chunks.push(batch.slice(i, i + ROWS_PER_INSERT));
    await Promise.all(chunks.map((chunk) => insertUsageEvents(client, chunk)));
  },
};

/** The response status of an admitted API call, added to its api_call event after the response. */
export interface ApiCallStatus {
  idempotencyKey: string;
  status: number;
}

/** Writes statuses in one round trip per batch (record_api_call_statuses). */
export const apiCallStatusSink: Sink<ApiCallStatus> = {
  async write(batch) {
    const { error } = await createAdminSupabaseClient().rpc("record_api_call_statuses", {
      p_rows: batch.map((s) => [s.idempotencyKey, s.status]),
    });
    if (error) throw new Error(`api_call status update failed: ${error.message}`);
  },
};

interface UsageState {
  queue: UsageQueue<UsageEvent>;
  statuses: UsageQueue<ApiCallStatus>;
  invalid: number;
  /** Runs the shutdown drain now; resolves with the number of events given up. */
  drain: () => Promise<number>;
}

function logQueueError(what: string) {
  return (error: unknown, attempt: number) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`[usage] ${what} failed (attempt ${attempt}), will retry: ${message}`);
  };
}

function logDrops(what: string) {
  return (_dropped: number, total: number) => {
    if (total === 1 || total % 1000 === 0)
      console.error(
        `[usage] ${what} queue full: ${total} ${total === 1 ? "event" : "events"} dropped so far`,
      );
  };
}

// One queue per server process; kept on globalThis so dev-mode module reloads share it.
const globalState = globalThis as typeof globalThis & { __meterlineUsage?: UsageState };

function state(): UsageState {
  if (!globalState.__meterlineUsage) {
    const flushIntervalMs = Number(process.env.USAGE_FLUSH_INTERVAL_MS ?? 500);
    const queue = new UsageQueue<UsageEvent>({
      sink: supabaseUsageSink,
      maxBatchSize: ROWS_PER_INSERT * PARALLEL_INSERTS,
      flushIntervalMs,
      maxQueueSize: 200_000,
      onDrop: logDrops("usage"),
      onError: logQueueError("usage flush"),
    });
    const statuses = new UsageQueue<ApiCallStatus>({
      sink: apiCallStatusSink,
      maxBatchSize: 1000,
      flushIntervalMs,
      maxQueueSize: 100_000,
      onDrop: logDrops("api_call status"),
      onError: logQueueError("api_call status update"),
    });
    // A long-running server drains on SIGTERM/SIGINT and when its event loop empties; Vercel
    // functions drain through after(). What cannot be written is counted and logged.
    const drain = drainOnShutdown(
      { usage: queue, "api_call status": statuses },
      { timeoutMs: Number(process.env.USAGE_SHUTDOWN_TIMEOUT_MS ?? 5000) },
    );
    globalState.__meterlineUsage = { queue, statuses, invalid: 0, drain };
  }
  return globalState.__meterlineUsage;
}

/**
 * Records a usage event. Returns immediately; the event is validated against the catalog,
 * stamped and queued, and written in a batch after the response (Next.js `after()`) or by the
 * queue's timer. Invalid events are dropped with a log line, never thrown.
 */
export function logUsage(params: LogUsageParams): void {
  try {
    const parsed = usageEventInputSchema.safeParse(params);
    const current = state();
    if (!parsed.success) {
      current.invalid += 1;
      const issue = parsed.error.issues[0];
      console.error(
        `[usage] invalid ${String(params.eventType)} event dropped: ${issue?.path.join(".")} ${issue?.message}`,
      );
      return;
    }
    const event = parsed.data;
    current.queue.enqueue({
      user_id: event.userId,
      org_id: event.orgId,
      event_type: event.eventType,
      quantity: event.quantity,
      event_data: event.eventData,
      created_at: (event.createdAt ? new Date(event.createdAt) : new Date()).toISOString(),
      idempotency_key: event.idempotencyKey ?? `${event.eventType}:${randomUUID()}`,
    });
    flushAfterResponse(current.queue);
  } catch (error) {
    console.error("[usage] logUsage failed; the action goes on", error);
  }
}

/**
 * Adds the response status to an API call that admit_api_call recorded. Like logUsage: returns at
 * once, never throws; written in batches after the response.
 */
export function recordApiCallStatus(idempotencyKey: string, status: number): void {
  try {
    const current = state();
    current.statuses.enqueue({ idempotencyKey, status });
    flushAfterResponse(current.statuses);
  } catch (error) {
    console.error("[usage] recordApiCallStatus failed; the request goes on", error);
  }
}

function flushAfterResponse<T>(queue: UsageQueue<T>) {
  try {
    after(() => queue.flush());
  } catch {
    // Outside a request (scripts, tests, the queue's own timer): the timer flushes.
  }
}

/** Writes everything queued now. For tests and scripts; never rejects. */
export async function flushUsage(): Promise<void> {
  const current = state();
  await Promise.all([current.queue.flush(), current.statuses.flush()]);
}

/** Runs the shutdown drain now (what SIGTERM runs): resolves with the number of events given up. */
export function drainUsage(): Promise<number> {
  return state().drain();
}

export function usageQueueStats() {
  return { ...state().queue.stats(), invalid: state().invalid };
}

// user_active is keyed per user, organization and UTC day; remembering the keys already sent today
// saves a queued event per page view (the unique key makes repeats harmless anyway).
const activeKeysSent = new Set<string>();
let activeKeysDay = "";

/** Marks a user active today in the organization they are working in (once per UTC day and org). */
export function logUserActive(userId: string, orgId: string | null, now: Date = new Date()): void {
  const day = now.toISOString().slice(0, 10);
  if (day !== activeKeysDay) {
    activeKeysSent.clear();
    activeKeysDay = day;
  }
  const key = usageKeys.userActive(userId, orgId, now);
  if (activeKeysSent.has(key)) return;
  activeKeysSent.add(key);
  logUsage({
    eventType: "user_active",
    userId,
    orgId,
    quantity: 1,
    eventData: { date: day },
    createdAt: now,
    idempotencyKey: key,
  });
}
