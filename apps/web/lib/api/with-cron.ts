import "server-only";

import { createHash, timingSafeEqual } from "node:crypto";

import { bearerToken } from "@/lib/api-keys/keys";
import { AppError } from "@/lib/errors";

import { errorResponse } from "./responses";

/** Compares secrets in constant time (hashing first so lengths do not leak either). */
export function secretsMatch(presented: string, expected: string): boolean {
  const a = createHash("sha256").update(presented).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The one wrapper for cron routes: `Authorization: Bearer $CRON_SECRET` or 401. */
export function withCron(handler: (request: Request) => Promise<Response>) {
  return async (request: Request): Promise<Response> => {
    try {
      const expected = process.env.CRON_SECRET;
      if (!expected) throw new AppError("not_configured", "CRON_SECRET is not set on the server.");
      const presented = bearerToken(request.headers.get("authorization"));
      if (!presented || !secretsMatch(presented, expected)) {
        throw new AppError("unauthorized", "Missing or wrong cron secret.");
      }
      return await handler(request);
    } catch (error) {
      return errorResponse(error);
    }
  };
}
