import type { IncomingMessage, ServerResponse } from "node:http";
import postgres from "postgres";
import { asRecord, optionalString, sendEmpty, sendJson } from "../http-io.ts";
import { API_VERSION_HEADERS, AuthApiFailure, failures } from "./errors.ts";
import { assertStrongEnough, hashPassword, verifyPassword } from "./passwords.ts";
import { clientInfo, readJsonBody, requireUser, type AuthContext } from "./request-auth.ts";
import { assertMaySignIn, createSession, refreshSession } from "./sessions.ts";
import { clearTokens } from "./email-tokens.ts";
import { createFlowState, pkceParams, sendConfirmation, sendEmailChange } from "./email-sends.ts";
import { referrer } from "./redirects.ts";
import {
  findUserByEmail,
  findUserById,
  insertUser,
  loadUserJson,
  mergeMetadata,
  type UserRow,
} from "./users.ts";
import { normalizeEmail } from "./validation.ts";
import { pkceGrant } from "./verify-routes.ts";
import { idTokenProviderDisabled, WEB3_DISABLED } from "./unsupported-routes.ts";
import { jsonb } from "../sql-json.ts";
import { randomUUID } from "node:crypto";

function isUniqueViolation(error: unknown): boolean {
  return error instanceof postgres.PostgresError && error.code === "23505";
}

/** Hosted answers a failing auth.users trigger with this 500; it is a bug in the project, not an expected failure. */
function databaseErrorSavingUser(error: unknown): AuthApiFailure {
  const detail = error instanceof Error ? error.message : String(error);
  return new AuthApiFailure(500, "unexpected_failure", `Database error saving new user: ${detail}`);
}

export async function signUp(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  context: AuthContext,
): Promise<void> {
  const body = await readJsonBody(req);
  if (context.auth.disableSignup) throw failures.signupDisabled();
  const rawEmail = optionalString(body, "email");
  const password = optionalString(body, "password") ?? "";
  if (!rawEmail) throw failures.validation("To signup, please provide your email");
  const email = normalizeEmail(rawEmail);
  assertStrongEnough(password, context.auth.minimumPasswordLength);
  const pkce = pkceParams(body);
  const autoconfirm = context.auth.mailerAutoconfirm;
  const existing = await findUserByEmail(context.sql, email);
  if (existing?.email_confirmed_at) {
    if (autoconfirm) throw failures.userAlreadyExists();
    // With confirmations on, GoTrue answers a repeated sign-up like a new one: no enumeration.
    return sendJson(res, 200, obfuscatedUser(email, asRecord(body.data)), API_VERSION_HEADERS);
  }
  const passwordHash = existing ? null : await hashPassword(password);
  const redirectTo = referrer(context.auth, req, url);

  let user: UserRow;
  try {
    user = await context.sql.begin(async (tx) => {
      // An unconfirmed account is not updated (its owner is unproven): the confirmation goes again.
      const created =
        existing ??
        (await insertUser(tx, {
          email,
          passwordHash,
          emailConfirmed: autoconfirm,
          userMetadata: asRecord(body.data),
          appMetadata: {},
          role: "authenticated",
          phone: null,
          signedIn: autoconfirm,
        }));
      if (!autoconfirm) {
        if (pkce) await createFlowState(tx, created.id, "email/signup", pkce);
        await sendConfirmation(tx, context.mailer, created, pkce !== null, redirectTo);
      }
      return (await findUserById(tx, created.id)) ?? created;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw failures.userAlreadyExists();
    if (error instanceof AuthApiFailure) throw error;
    throw databaseErrorSavingUser(error);
  }
  if (!autoconfirm) return sendJson(res, 200, await loadUserJson(context.sql, user), API_VERSION_HEADERS);
  sendJson(
    res,
    200,
    await createSession(context.sql, user, clientInfo(req), context.settings),
    API_VERSION_HEADERS,
  );
}

/** What GoTrue shows for a sign-up of a taken address when confirmations are on. */
function obfuscatedUser(email: string, data: Record<string, unknown>): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    aud: "authenticated",
    role: "authenticated",
    email,
    phone: "",
    confirmation_sent_at: now,
    app_metadata: { provider: "email", providers: ["email"] },
    user_metadata: data,
    identities: [],
    created_at: now,
    updated_at: now,
    is_anonymous: false,
  };
}

export async function token(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  context: AuthContext,
): Promise<void> {
  const grantType = url.searchParams.get("grant_type");
  const body = await readJsonBody(req);

  if (grantType === "refresh_token") {
    const refreshToken = optionalString(body, "refresh_token");
    if (!refreshToken) throw failures.refreshTokenNotFound();
    sendJson(
      res,
      200,
      await refreshSession(context.sql, refreshToken, context.settings),
      API_VERSION_HEADERS,
    );
    return;
  }
  if (grantType === "web3") throw WEB3_DISABLED();
  if (grantType === "id_token") throw idTokenProviderDisabled(body);
  if (grantType === "pkce") {
    return sendJson(res, 200, await pkceGrant(req, body, context), API_VERSION_HEADERS);
  }
  if (grantType !== "password") throw failures.unsupportedGrant();

  const email = optionalString(body, "email");
  const password = optionalString(body, "password") ?? "";
  if (!email) {
    if (optionalString(body, "phone")) throw failures.validation("Phone logins are not supported locally");
    throw failures.validation("missing email or phone");
  }
  const user = await findUserByEmail(context.sql, email.trim());
  if (!user || !(await verifyPassword(password, user.encrypted_password)))
    throw failures.invalidCredentials();
  assertMaySignIn(user);
  if (!user.email_confirmed_at) throw failures.emailNotConfirmed();
  sendJson(
    res,
    200,
    await createSession(context.sql, user, clientInfo(req), context.settings),
    API_VERSION_HEADERS,
  );
}

export async function getUser(
  req: IncomingMessage,
  res: ServerResponse,
  context: AuthContext,
): Promise<void> {
  const { user } = await requireUser(req, context);
  sendJson(res, 200, await loadUserJson(context.sql, user), API_VERSION_HEADERS);
}

export async function updateUser(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  context: AuthContext,
): Promise<void> {
  const { user, sessionId } = await requireUser(req, context);
  const body = await readJsonBody(req);
  const { sql } = context;

  const password = optionalString(body, "password");
  if (password !== undefined) assertStrongEnough(password, context.auth.minimumPasswordLength);
  const rawEmail = optionalString(body, "email");
  const email = rawEmail ? normalizeEmail(rawEmail) : undefined;
  const changingEmail = email !== undefined && email !== user.email;
  if (changingEmail) {
    const owner = await findUserByEmail(sql, email);
    if (owner && owner.id !== user.id) throw failures.emailExists();
  }
  if (body.app_metadata !== undefined) {
    throw new AuthApiFailure(403, "not_admin", "Updating app_metadata requires admin privileges");
  }
  if (password && (await verifyPassword(password, user.encrypted_password))) throw failures.samePassword();
  const pkce = changingEmail ? pkceParams(body) : null;
  const passwordHash = password ? await hashPassword(password) : undefined;
  const redirectTo = referrer(context.auth, req, url);

  const updated = await sql.begin(async (tx) => {
    if (passwordHash !== undefined) {
      // As GoTrue's UpdatePassword: pending links stop working and every other session ends.
      await tx`
        update auth.users
        set encrypted_password = ${passwordHash}, confirmation_token = '', confirmation_sent_at = null,
            recovery_token = '', recovery_sent_at = null, email_change_token_current = '',
            email_change_token_new = '', email_change_sent_at = null, updated_at = now()
        where id = ${user.id}
      `;
      await clearTokens(tx, user.id);
      await tx`delete from auth.sessions where user_id = ${user.id} and id is distinct from ${sessionId ?? null}`;
    }
    if (body.data !== undefined) {
      const current = (await findUserById(tx, user.id)) ?? user;
      const metadata = mergeMetadata(current.raw_user_meta_data, asRecord(body.data));
      await tx`
        update auth.users set raw_user_meta_data = ${jsonb(tx, metadata)}, updated_at = now()
        where id = ${user.id}
      `;
    }
    if (changingEmail) {
      const current = (await findUserById(tx, user.id)) ?? user;
      if (pkce) await createFlowState(tx, user.id, "email_change", pkce);
      // Even with autoconfirm a permanent user confirms a new address by link (GoTrue does too).
      await sendEmailChange(tx, context.mailer, current, email, pkce !== null, redirectTo);
    }
    return findUserById(tx, user.id);
  });
  sendJson(res, 200, await loadUserJson(sql, updated ?? user), API_VERSION_HEADERS);
}

export async function logout(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  context: AuthContext,
): Promise<void> {
  const { user, sessionId } = await requireUser(req, context);
  const scope = url.searchParams.get("scope") ?? "global";
  const { sql } = context;
  // Deleting a session cascades to its refresh tokens, so neither token works afterwards.
  if (scope === "local") {
    if (sessionId) await sql`delete from auth.sessions where id = ${sessionId}`;
  } else if (scope === "others") {
    await sql`delete from auth.sessions where user_id = ${user.id} and id is distinct from ${sessionId ?? null}`;
  } else if (scope === "global") {
    await sql`delete from auth.sessions where user_id = ${user.id}`;
  } else {
    throw failures.validation(`Unsupported logout scope "${scope}"`);
  }
  sendEmpty(res, 204, API_VERSION_HEADERS);
}
