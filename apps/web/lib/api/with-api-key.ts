import "server-only";

import type { NextResponse } from "next/server";

import { findApiKey, type ApiKeyPrincipal } from "@/lib/api-keys/queries";
import { bearerToken } from "@/lib/api-keys/keys";
import { AppError } from "@/lib/errors";
import { createAdminSupabaseClient } from "@/lib/supabase/admin";
import { assertWithinLimit } from "@/lib/usage/limits";
import { logUsage } from "@/lib/usage/server";

import { errorResponse } from "./responses";

export interface ApiKeyContext {
  principal: ApiKeyPrincipal;
  /** Service-role client: every query must be scoped to principal.orgId. */
  admin: ReturnType<typeof createAdminSupabaseClient>;
}

type Handler<P> = (request: Request, ctx: ApiKeyContext, params: P) => Promise<Response | NextResponse>;

/**
 * The one wrapper for /api/v1 routes: authenticates the API key, refuses calls past the plan's API
 * limit (402), maps errors to JSON, and meters
 * every call made with a known key (refused ones included) as an api_call with its status.
 * Calls without a key, or with an unknown one, name nobody to attribute them to.
 */
export function withApiKey<P = Record<string, never>>(handler: Handler<P>) {
  return async (request: Request, route: { params: Promise<P> }): Promise<Response> => {
    let principal: ApiKeyPrincipal | null = null;
    let response: Response;
    try {
      const secret = bearerToken(request.headers.get("authorization"));
      if (!secret) throw new AppError("unauthorized", 'Send your API key as "Authorization: Bearer <key>".');
      const admin = createAdminSupabaseClient();
      principal = await findApiKey(admin, secret);
      if (!principal || principal.revoked)
        throw new AppError("unauthorized", "This API key is unknown or has been revoked.");
      await assertWithinLimit(principal.orgId, "api_call", 1);
      response = await handler(request, { principal, admin }, await route.params);
    } catch (error) {
      response = errorResponse(error);
    }
    if (principal) {
      logUsage({
        eventType: "api_call",
        userId: principal.userId,
        orgId: principal.orgId,
        eventData: {
          route: new URL(request.url).pathname,
          method: request.method,
          status: response.status,
          key_id: principal.keyId,
        },
      });
    }
    return response;
  };
}
