import { NextResponse } from "next/server";

import { jsonError, readJsonBody, validationError } from "@/lib/api/responses";
import { withApiKey } from "@/lib/api/with-api-key";
import { AppError } from "@/lib/errors";
import {
  INGEST_MAX_BYTES,
  INGEST_MAX_EVENTS,
  INGEST_RATE,
  ingestEnvelopeSchema,
  ingestEvents,
} from "@/lib/usage/ingest";

/**
 * POST /api/v1/usage/events — other services report usage for the key's organization.
 * Body: {"events": [{event_type, idempotency_key, quantity?, user_id?, created_at?, event_data?}]}
 * (at most 1000 events, 1 MB). Answers a result per event: accepted, duplicate (already stored:
 * also a success) or rejected with the reason.
 */
export const POST = withApiKey(async (request, ctx) => {
  const { data: retryAfter, error } = await ctx.admin.rpc("hit_rate_limit", {
    p_bucket: `ingest:${ctx.principal.keyId}`,
    p_window_seconds: INGEST_RATE.windowSeconds,
    p_limit: INGEST_RATE.limit,
  });
  if (error) throw new Error(`Rate limit check failed: ${error.message}`);
  if (retryAfter > 0) {
    return jsonError(
      new AppError(
        "rate_limited",
        `Too many requests for this key: at most ${INGEST_RATE.limit} every ${INGEST_RATE.windowSeconds} s. Retry after ${retryAfter} s.`,
      ),
      { "retry-after": String(retryAfter) },
    );
  }

  // Events are judged one by one: one with unstorable text is rejected alone (ingestEvents).
  const body = await readJsonBody(request, INGEST_MAX_BYTES, { refuseUnsafeText: false });
  const envelope = ingestEnvelopeSchema.safeParse(body);
  if (!envelope.success) throw validationError(envelope.error, "batch");
  if (envelope.data.events.length > INGEST_MAX_EVENTS) {
    throw new AppError(
      "payload_too_large",
      `Send at most ${INGEST_MAX_EVENTS} events per request (got ${envelope.data.events.length}).`,
    );
  }

  return NextResponse.json(await ingestEvents(envelope.data.events, ctx));
});
