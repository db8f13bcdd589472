import { AppError } from "@/lib/errors";
import { limitExceededError, limitStatusSchema } from "@/lib/usage/limit-errors";

/**
 * The header the app's writes carry so the database can say where a metered write came from
 * (event_data.source): "app" or "api"; writes without it are "direct".
 */
export const REQUEST_SOURCE_HEADER = "x-meterline-source";

/** The fields PostgREST errors (and Postgres errors passed through it) carry. */
export interface DatabaseError {
  code?: string;
  message: string;
  details?: string | null;
  hint?: string | null;
}

export interface ErrorMessages {
  forbidden?: string;
  notFound?: string;
  conflict?: string;
  /** A foreign key naming a row that does not exist (or is not the caller's): a 404 with this message. */
  missingReference?: string;
}

function limitDetails(details: string | null | undefined) {
  try {
    const parsed = limitStatusSchema.safeParse(JSON.parse(details ?? ""));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * The one mapping from a database refusal to the AppError the person or program sees: a plan limit
 * (PT402) is a 402 naming the limit and the usage, a privilege or row-level-security refusal a 403,
 * a missing row a 404, a conflicting one a 409, bad values a 400. Null for anything else (a bug or
 * an outage), which callers report as a server error.
 */
export function appErrorFromDatabase(error: DatabaseError, messages: ErrorMessages = {}): AppError | null {
  switch (error.code) {
    case "PT402": {
      const details = limitDetails(error.details);
      return details ? limitExceededError(details) : new AppError("payment_required", error.message);
    }
    case "42501":
      return new AppError("forbidden", messages.forbidden ?? error.message);
    case "P0002":
    case "PGRST116":
      return new AppError("not_found", messages.notFound ?? error.message);
    case "23503":
      return messages.missingReference
        ? new AppError("not_found", messages.missingReference)
        : new AppError("conflict", messages.conflict ?? error.message);
    case "23505":
      return new AppError("conflict", messages.conflict ?? error.message);
    case "22023":
    case "22P02":
    case "22P05":
    case "23502":
    case "23514":
      return new AppError("bad_request", error.message);
    default:
      return null;
  }
}

/** For `throw`: the mapped AppError, or an Error that says what could not be done and why. */
export function databaseError(error: DatabaseError, what: string, messages: ErrorMessages = {}): Error {
  return appErrorFromDatabase(error, messages) ?? new Error(`${what}: ${error.message}`);
}
