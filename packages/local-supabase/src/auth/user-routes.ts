import type { IncomingMessage, ServerResponse } from "node:http";
import postgres from "postgres";
import { asRecord, optionalString, sendEmpty, sendJson } from "../http-io.ts";
import { API_VERSION_HEADERS, AuthApiFailure, failures } from "./errors.ts";
import { assertStrongEnough, hashPassword, verifyPassword } from "./passwords.ts";
import { clientInfo, readJsonBody, requireUser, type AuthContext } from "./request-auth.ts";
import { assertMaySignIn, createSession, refreshSession } from "./sessions.ts";
import { findUserByEmail, insertUser, loadUserJson, mergeMetadata, type UserRow } from "./users.ts";
import { normalizeEmail } from "./validation.ts";
import { jsonb } from "../sql-json.ts";

function isUniqueViolation(error: unknown): boolean {
  return error instanceof postgres.PostgresError && error.code === "23505";
}

/** Hosted answers a failing auth.users trigger with this 500; it is a bug in the project, not an expected failure. */
function databaseErrorSavingUser(error: unknown): AuthApiFailure {
  const detail = error instanceof Error ? error.message : String(error);
  return new AuthApiFailure(500, "unexpected_failure", `Database error saving new user: ${detail}`);
}

export async function signUp(req: IncomingMessage, res: ServerResponse, context: AuthContext): Promise<void> {
  const body = await readJsonBody(req);
  const rawEmail = optionalString(body, "email");
  const password = optionalString(body, "password") ?? "";
  if (!rawEmail) throw failures.validation("To signup, please provide your email");
  const email = normalizeEmail(rawEmail);
  assertStrongEnough(password);
  if (await findUserByEmail(context.sql, email)) throw failures.userAlreadyExists();

  let user: UserRow;
  try {
    // Mailer autoconfirm, as `supabase start` runs by default: the user can sign in at once.
    user = await insertUser(context.sql, {
      email,
      passwordHash: await hashPassword(password),
      emailConfirmed: true,
      userMetadata: asRecord(body.data),
      appMetadata: {},
      role: "authenticated",
      phone: null,
      signedIn: true,
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw failures.userAlreadyExists();
    throw databaseErrorSavingUser(error);
  }
  sendJson(
    res,
    200,
    await createSession(context.sql, user, clientInfo(req), context.settings),
    API_VERSION_HEADERS,
  );
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
  context: AuthContext,
): Promise<void> {
  const { user } = await requireUser(req, context);
  const body = await readJsonBody(req);
  const { sql } = context;
  const now = new Date();

  let updated = user;
  const save = async (change: Promise<UserRow[]>): Promise<void> => {
    const [row] = await change;
    if (row) updated = row;
  };

  if (body.data !== undefined) {
    const metadata = mergeMetadata(updated.raw_user_meta_data, asRecord(body.data));
    await save(sql<UserRow[]>`
      update auth.users set raw_user_meta_data = ${jsonb(sql, metadata)}, updated_at = ${now}
      where id = ${user.id} returning *
    `);
  }
  const password = optionalString(body, "password");
  if (password !== undefined) {
    assertStrongEnough(password);
    if (await verifyPassword(password, updated.encrypted_password)) throw failures.samePassword();
    await save(sql<UserRow[]>`
      update auth.users set encrypted_password = ${await hashPassword(password)}, updated_at = ${now}
      where id = ${user.id} returning *
    `);
  }
  const rawEmail = optionalString(body, "email");
  if (rawEmail !== undefined) {
    const email = normalizeEmail(rawEmail);
    const owner = await findUserByEmail(sql, email);
    if (owner && owner.id !== user.id) throw failures.emailExists();
    // No mail is sent locally, so the change applies at once (as with autoconfirm).
    await save(sql<UserRow[]>`
      update auth.users set email = ${email}, updated_at = ${now} where id = ${user.id} returning *
    `);
    await sql`
      update auth.identities
      set identity_data = identity_data || jsonb_build_object('email', ${email}::text), updated_at = ${now}
      where user_id = ${user.id} and provider = 'email'
    `;
  }
  sendJson(res, 200, await loadUserJson(sql, updated), API_VERSION_HEADERS);
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
