import "server-only";

import { randomUUID } from "node:crypto";

import { usageKeys } from "@repo/usage";
import type { NextResponse } from "next/server";

import { bearerToken, hashApiKey } from "@/lib/api-keys/keys";
import { AppError } from "@/lib/errors";
import { createAdminSupabaseClient } from "@/lib/supabase/admin";
import { databaseError } from "@/lib/supabase/errors";
import { recordApiCallStatus } from "@/lib/usage/logging";

import { errorResponse } from "./responses";

export interface ApiKeyPrincipal {
  keyId: string;
  orgId: string;
  /** The key's creator: API usage is attributed to them. */
  userId: string;
}

export interface ApiKeyContext {
  principal: ApiKeyPrincipal;
  /** Service-role client: every query must be scoped to principal.orgId. */
  admin: ReturnType<typeof createAdminSupabaseClient>;
}

type Handler<P> = (request: Request, ctx: ApiKeyContext, params: P) => Promise<Response | NextResponse>;

/**
 * Admits a call in one round trip (admit_api_call): resolves the key by its hash, refuses a call
 * past the plan's API-call limit with a 402, and records the api_call in the same transaction, so
 * concurrent calls at the limit are admitted exactly up to it and an admitted call is never lost.
 * Unknown and revoked keys get a 401 and are not counted.
 */
async function admit(admin: ApiKeyContext["admin"], request: Request, requestId: string) {
  const secret = bearerToken(request.headers.get("authorization"));
  if (!secret) throw new AppError("unauthorized", 'Send your API key as "Authorization: Bearer <key>".');
  const { data, error } = await admin.rpc("admit_api_call", {
    p_key_hash: hashApiKey(secret),
    p_request_id: requestId,
    p_route: new URL(request.url).pathname,
    p_method: request.method,
  });
  if (error) throw databaseError(error, "Could not check the API key");
  const key = data[0];
  if (!key || key.revoked) throw new AppError("unauthorized", "This API key is unknown or has been revoked.");
  return { keyId: key.key_id, orgId: key.org_id, userId: key.user_id };
}

/**
 * The one wrapper for /api/v1 routes: admits the call (API key, plan limit, metering), runs the
 * handler, maps errors to JSON, and adds the response status to the call's usage event.
 */
export function withApiKey<P = Record<string, never>>(handler: Handler<P>) {
  return async (request: Request, route: { params: Promise<P> }): Promise<Response> => {
    const requestId = randomUUID();
    let admitted = false;
    let response: Response;
    try {
      const admin = createAdminSupabaseClient();
      const principal = await admit(admin, request, requestId);
      admitted = true;
      response = await handler(request, { principal, admin }, await route.params);
    } catch (error) {
      response = errorResponse(error);
    }
    if (admitted) recordApiCallStatus(usageKeys.apiCall(requestId), response.status);
    return response;
  };
}
