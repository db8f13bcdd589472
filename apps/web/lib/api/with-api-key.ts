import "server-only";

import type { NextResponse } from "next/server";

import { authenticateApiKey, type ApiKeyPrincipal } from "@/lib/api-keys/queries";
import { bearerToken } from "@/lib/api-keys/keys";
import { AppError } from "@/lib/errors";
import { createAdminSupabaseClient } from "@/lib/supabase/admin";

import { errorResponse } from "./responses";

export interface ApiKeyContext {
  principal: ApiKeyPrincipal;
  /** Service-role client: every query must be scoped to principal.orgId. */
  admin: ReturnType<typeof createAdminSupabaseClient>;
}

type Handler<P> = (request: Request, ctx: ApiKeyContext, params: P) => Promise<Response | NextResponse>;

/** The one wrapper for /api/v1 routes: authenticates the API key and maps errors to JSON. */
export function withApiKey<P = Record<string, never>>(handler: Handler<P>) {
  return async (request: Request, route: { params: Promise<P> }): Promise<Response> => {
    try {
      const secret = bearerToken(request.headers.get("authorization"));
      if (!secret) throw new AppError("unauthorized", 'Send your API key as "Authorization: Bearer <key>".');
      const admin = createAdminSupabaseClient();
      const principal = await authenticateApiKey(admin, secret);
      if (!principal) throw new AppError("unauthorized", "This API key is unknown or has been revoked.");
      return await handler(request, { principal, admin }, await route.params);
    } catch (error) {
      return errorResponse(error);
    }
  };
}
