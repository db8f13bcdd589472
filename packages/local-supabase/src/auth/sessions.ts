import { randomBytes, randomUUID } from "node:crypto";
import type { Sql } from "postgres";
import { issueJwt } from "../jwt.ts";
import { failures, type AuthApiFailure } from "./errors.ts";
import { appMetadata, findUserById, loadUserJson, type Db, type UserRow } from "./users.ts";

export const ACCESS_TOKEN_TTL_SECONDS = 3600;
// Concurrent tabs/requests refreshing with the same token within this window all succeed.
const REFRESH_REUSE_WINDOW_MS = 10_000;

export interface TokenSettings {
  issuer: string;
  jwtSecret: string;
}

export interface ClientInfo {
  userAgent: string | null;
  ip: string | null;
}

interface SessionRow {
  id: string;
  user_id: string;
  created_at: Date | null;
  /** How the session was started, for the `amr` claim: password, otp, recovery, magiclink, ... */
  method: string;
}

interface RefreshTokenRow {
  id: string;
  token: string;
  revoked: boolean | null;
  updated_at: Date | null;
  session_id: string | null;
}

/** The claims hosted Supabase puts in an access token. */
export async function accessToken(
  user: UserRow,
  session: SessionRow,
  settings: TokenSettings,
  now: Date,
): Promise<{
  token: string;
  expiresAt: number;
}> {
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + ACCESS_TOKEN_TTL_SECONDS;
  const token = await issueJwt(
    {
      iss: settings.issuer,
      sub: user.id,
      aud: user.aud || "authenticated",
      exp,
      iat,
      email: user.email ?? "",
      phone: user.phone ?? "",
      app_metadata: appMetadata(user),
      user_metadata: user.raw_user_meta_data ?? {},
      role: user.role || "authenticated",
      aal: "aal1",
      amr: [
        {
          method: session.method,
          timestamp: Math.floor((session.created_at ?? now).getTime() / 1000),
        },
      ],
      session_id: session.id,
      is_anonymous: user.is_anonymous,
    },
    settings.jwtSecret,
  );
  return { token, expiresAt: exp };
}

function newRefreshToken(): string {
  return randomBytes(16).toString("base64url");
}

async function sessionResponse(
  db: Db,
  user: UserRow,
  session: SessionRow,
  refreshToken: string,
  settings: TokenSettings,
): Promise<Record<string, unknown>> {
  const { token, expiresAt } = await accessToken(user, session, settings, new Date());
  return {
    access_token: token,
    token_type: "bearer",
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    expires_at: expiresAt,
    refresh_token: refreshToken,
    user: await loadUserJson(db, user),
  };
}

export function assertMaySignIn(user: UserRow): void {
  if (user.deleted_at) throw failures.invalidCredentials();
  if (user.banned_until && user.banned_until.getTime() > Date.now()) throw failures.userBanned();
}

/** Starts a session (sign-up, password grant) and records the sign-in time. */
export async function createSession(
  sql: Sql,
  user: UserRow,
  client: ClientInfo,
  settings: TokenSettings,
  method = "password",
): Promise<Record<string, unknown>> {
  return sql.begin((tx) => createSessionIn(tx, user, client, settings, method));
}

/** createSession inside a transaction the caller holds (a verified link signs in in its own). */
export async function createSessionIn(
  tx: Db,
  user: UserRow,
  client: ClientInfo,
  settings: TokenSettings,
  method: string,
): Promise<Record<string, unknown>> {
  const now = new Date();
  const [inserted] = await tx<Omit<SessionRow, "method">[]>`
    insert into auth.sessions (id, user_id, created_at, updated_at, aal, refreshed_at, user_agent, ip)
    values (${randomUUID()}, ${user.id}, ${now}, ${now}, 'aal1', ${now}, ${client.userAgent}, ${client.ip})
    returning id, user_id, created_at
  `;
  if (!inserted) throw new Error("insert into auth.sessions returned no row");
  const session: SessionRow = { ...inserted, method };
  await tx`
    insert into auth.mfa_amr_claims (id, session_id, created_at, updated_at, authentication_method)
    values (${randomUUID()}, ${session.id}, ${now}, ${now}, ${method})
  `;
  const refreshToken = newRefreshToken();
  await tx`
    insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, session_id)
    values ('00000000-0000-0000-0000-000000000000', ${refreshToken}, ${user.id}, false, ${now}, ${now}, ${session.id})
  `;
  const [signedIn] = await tx<UserRow[]>`
    update auth.users set last_sign_in_at = ${now}, updated_at = ${now} where id = ${user.id}
    returning *
  `;
  await tx`update auth.identities set last_sign_in_at = ${now} where user_id = ${user.id} and provider = 'email'`;
  return sessionResponse(tx, signedIn ?? user, session, refreshToken, settings);
}

type RefreshOutcome = { failure: AuthApiFailure } | { response: Record<string, unknown> };

/**
 * Rotates a refresh token. The row lock serialises concurrent refreshes with the same token: the
 * first rotates it, the others (within the reuse window) get the token it was rotated into.
 * Reuse after the window revokes the whole session, as GoTrue does on suspected token theft.
 */
export async function refreshSession(
  sql: Sql,
  presented: string,
  settings: TokenSettings,
): Promise<Record<string, unknown>> {
  const outcome = await sql.begin(async (tx): Promise<RefreshOutcome> => {
    const [current] = await tx<RefreshTokenRow[]>`
      select id, token, revoked, updated_at, session_id from auth.refresh_tokens
      where token = ${presented}
      for update
    `;
    if (!current?.session_id) return { failure: failures.refreshTokenNotFound() };
    const [session] = await tx<SessionRow[]>`
      select s.id, s.user_id, s.created_at,
        coalesce((select c.authentication_method from auth.mfa_amr_claims c
                  where c.session_id = s.id order by c.created_at limit 1), 'password') as method
      from auth.sessions s
      where s.id = ${current.session_id} for update of s
    `;
    if (!session) return { failure: failures.refreshTokenNotFound() };
    const user = await findUserById(tx, session.user_id);
    if (!user) return { failure: failures.refreshTokenNotFound() };
    assertMaySignIn(user);

    const now = new Date();
    if (current.revoked) {
      const revokedAt = current.updated_at?.getTime() ?? 0;
      const [latest] = await tx<RefreshTokenRow[]>`
        select id, token, revoked, updated_at, session_id from auth.refresh_tokens
        where session_id = ${session.id} and revoked = false
        order by id desc limit 1
      `;
      if (now.getTime() - revokedAt > REFRESH_REUSE_WINDOW_MS || !latest) {
        await tx`delete from auth.sessions where id = ${session.id}`;
        return { failure: failures.refreshTokenAlreadyUsed() };
      }
      return { response: await sessionResponse(tx, user, session, latest.token, settings) };
    }

    const next = newRefreshToken();
    await tx`update auth.refresh_tokens set revoked = true, updated_at = ${now} where id = ${current.id}`;
    await tx`
      insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
      values ('00000000-0000-0000-0000-000000000000', ${next}, ${user.id}, false, ${now}, ${now}, ${current.token}, ${session.id})
    `;
    await tx`update auth.sessions set refreshed_at = ${now}, updated_at = ${now} where id = ${session.id}`;
    return { response: await sessionResponse(tx, user, session, next, settings) };
  });
  // Thrown outside the transaction so that the revocation of a reused token's session is committed.
  if ("failure" in outcome) throw outcome.failure;
  return outcome.response;
}
