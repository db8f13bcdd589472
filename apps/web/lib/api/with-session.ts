import "server-only";

import { getCurrentUser, type AuthContext } from "@/lib/auth/server";
import { AppError } from "@/lib/errors";

import { errorResponse } from "./responses";

type Handler<P> = (request: Request, ctx: AuthContext, params: P) => Promise<Response>;

/**
 * The one wrapper for route handlers the signed-in browser calls (downloads, exports): requires the
 * cookie session (401 JSON otherwise, never a redirect a download could not follow) and maps
 * errors to JSON, as the other wrappers do.
 */
export function withSession<P = Record<string, never>>(handler: Handler<P>) {
  return async (request: Request, route: { params: Promise<P> }): Promise<Response> => {
    try {
      const ctx = await getCurrentUser();
      if (!ctx) throw new AppError("unauthorized", "Sign in first.");
      return await handler(request, ctx, await route.params);
    } catch (error) {
      return errorResponse(error);
    }
  };
}
