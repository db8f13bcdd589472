import type { IncomingMessage } from "node:http";
import type { Sql } from "postgres";
import { asRecord, bearerToken, BodyTooLargeError, readBody } from "../http-io.ts";
import { JwtError, stringClaim, verifyJwt, type JwtClaims } from "../jwt.ts";
import type { AuthSettings } from "./auth-settings.ts";
import { AuthApiFailure, failures } from "./errors.ts";
import type { Mailer } from "./mailer.ts";
import type { TokenSettings } from "./sessions.ts";
import { findUserById, type UserRow } from "./users.ts";

export interface AuthContext {
  sql: Sql;
  settings: TokenSettings;
  /** config.toml's [auth]: site URL, redirects, confirmations, OTP and email limits. */
  auth: AuthSettings;
  mailer: Mailer;
}

const BODY_LIMIT = 1024 * 1024;

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Postgres stores neither U+0000 nor an unpaired UTF-16 surrogate (in text or jsonb).
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The first string (key or value, at any depth) Postgres could not store, described, or null. */
function unstorableText(value: unknown): string | null {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === "string") {
      if (UNSTORABLE.test(item)) {
        return item.includes("\u0000") ? "contains a NUL character" : "contains an unpaired surrogate";
      }
    } else if (Array.isArray(item)) {
      pending.push(...(item as unknown[]));
    } else if (typeof item === "object" && item !== null) {
      for (const [key, inner] of Object.entries(item)) pending.push(key, inner);
    }
  }
  return null;
}

/**
 * The JSON body as an object. Text Postgres cannot store is refused here with a 400, never left to
 * fail in the database as a 500.
 */
export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  let raw: Buffer;
  try {
    raw = await readBody(req, BODY_LIMIT);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new AuthApiFailure(413, "request_too_large", error.message);
    throw error;
  }
  if (raw.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString("utf8"));
  } catch {
    throw failures.badJson();
  }
  const problem = unstorableText(parsed);
  if (problem) throw failures.validation(`The request body ${problem}, which cannot be stored`);
  return asRecord(parsed);
}

export async function requireClaims(req: IncomingMessage, settings: TokenSettings): Promise<JwtClaims> {
  const token = bearerToken(req);
  if (!token) throw failures.noAuthorization();
  try {
    return await verifyJwt(token, settings.jwtSecret);
  } catch (error) {
    throw failures.badJwt(error instanceof JwtError ? error.message : "unknown error");
  }
}

/**
 * The signed-in user behind the bearer token. Like GoTrue, a token whose session was signed out is
 * refused even though its signature and expiry are still fine.
 */
export async function requireUser(
  req: IncomingMessage,
  context: AuthContext,
): Promise<{ claims: JwtClaims; user: UserRow; sessionId: string | undefined }> {
  const claims = await requireClaims(req, context.settings);
  const sub = stringClaim(claims, "sub");
  if (!sub) throw failures.badJwt("invalid claim: missing sub claim");
  const sessionId = stringClaim(claims, "session_id");
  if (sessionId !== undefined) {
    const [session] = UUID.test(sessionId)
      ? await context.sql`select 1 from auth.sessions where id = ${sessionId}`
      : [];
    if (!session) throw failures.sessionNotFound();
  }
  const user = UUID.test(sub) ? await findUserById(context.sql, sub) : null;
  if (!user || user.deleted_at) throw failures.userFromJwtNotFound();
  return { claims, user, sessionId };
}

const ADMIN_ROLES = new Set(["service_role", "supabase_admin"]);

export async function requireAdmin(req: IncomingMessage, settings: TokenSettings): Promise<void> {
  const claims = await requireClaims(req, settings);
  if (!ADMIN_ROLES.has(stringClaim(claims, "role") ?? "")) throw failures.notAdmin();
}

export function clientInfo(req: IncomingMessage): { userAgent: string | null; ip: string | null } {
  return {
    userAgent: req.headers["user-agent"] ?? null,
    ip: req.socket.remoteAddress ?? null,
  };
}
