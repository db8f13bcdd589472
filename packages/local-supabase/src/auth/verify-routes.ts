import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { optionalString, sendJson } from "../http-io.ts";
import { jsonb } from "../sql-json.ts";
import { clearTokens, findTokenOwner, tokenHash, type TokenType } from "./email-tokens.ts";
import { API_VERSION_HEADERS, AuthApiFailure, failures } from "./errors.ts";
import { hashPassword } from "./passwords.ts";
import { referrer } from "./redirects.ts";
import { clientInfo, readJsonBody, type AuthContext } from "./request-auth.ts";
import { createSessionIn } from "./sessions.ts";
import { findUserByEmail, findUserById, mergeMetadata, type Db, type UserRow } from "./users.ts";
import { normalizeEmail } from "./validation.ts";
import { randomBytes } from "node:crypto";

const SINGLE_CONFIRMATION_ACCEPTED =
  "Confirmation link accepted. Please proceed to confirm link sent to the other email";
// GoTrue's FlowStateExpiryDuration.
const FLOW_STATE_EXPIRY_MS = 300_000;

const TOKEN_TYPES: Record<string, TokenType[]> = {
  signup: ["confirmation_token"],
  invite: ["confirmation_token"],
  recovery: ["recovery_token"],
  magiclink: ["recovery_token"],
  email_change: ["email_change_token_current", "email_change_token_new"],
  email: ["confirmation_token", "recovery_token"],
};

// The flow state a PKCE link of each type was started with (ParseAuthenticationMethod).
const AUTH_METHODS: Record<string, string> = {
  signup: "email/signup",
  invite: "invite",
  recovery: "recovery",
  magiclink: "magiclink",
  email_change: "email_change",
};

type Verified = { user: UserRow; type: string };

function sentAtFor(user: UserRow, type: string): Date | null {
  if (type === "signup" || type === "invite") return user.confirmation_sent_at;
  if (type === "recovery" || type === "magiclink") return user.recovery_sent_at;
  return user.email_change_sent_at;
}

function expired(context: AuthContext, sentAt: Date | null): boolean {
  return !sentAt || Date.now() > sentAt.getTime() + context.auth.otpExpiry * 1000;
}

function assertNotBanned(user: UserRow): void {
  if (user.banned_until && user.banned_until.getTime() > Date.now()) throw failures.bannedForVerify();
}

/** A link's token hash: which user, and which kind of link it really is (`email` resolves). */
async function verifyTokenHash(tx: Db, context: AuthContext, type: string, hash: string): Promise<Verified> {
  const types = TOKEN_TYPES[type];
  if (!types) throw failures.validation("Invalid email verification type");
  const owner = await findTokenOwner(tx, hash, types);
  const user = owner ? await findUserById(tx, owner.userId) : null;
  if (!owner || !user || user.deleted_at) throw failures.linkExpired();
  assertNotBanned(user);
  const resolved = type === "email" ? (owner.type === "recovery_token" ? "magiclink" : "signup") : type;
  if (expired(context, sentAtFor(user, resolved))) throw failures.linkExpired();
  return { user, type: resolved };
}

/** A code typed in with its address (POST /verify with email + token). */
async function verifyEmailAndCode(
  tx: Db,
  context: AuthContext,
  type: string,
  email: string,
  code: string,
): Promise<Verified & { hash: string }> {
  const types = TOKEN_TYPES[type];
  if (!types) throw failures.validation("Unsupported verification type");
  const hash = tokenHash(email, code);
  let user: UserRow | null;
  if (type === "email_change") {
    const owner = await findTokenOwner(tx, hash, types).then(
      async (found) => found ?? (await findTokenOwner(tx, `pkce_${hash}`, types)),
    );
    user = owner ? await findUserById(tx, owner.userId) : null;
  } else {
    user = await findUserByEmail(tx, email);
  }
  if (!user || user.deleted_at) throw failures.otpExpired();
  assertNotBanned(user);
  const stored = await tx<{ token_type: TokenType; token_hash: string }[]>`
    select token_type, token_hash from auth.one_time_tokens
    where user_id = ${user.id} and token_type in ${tx(types)}
    for update
  `;
  const match = stored.find((row) => row.token_hash === hash || row.token_hash === `pkce_${hash}`);
  const resolved =
    type === "email" ? (match?.token_type === "recovery_token" ? "magiclink" : "signup") : type;
  if (!match || expired(context, sentAtFor(user, resolved))) throw failures.otpExpired();
  return { user, type: resolved, hash: match.token_hash };
}

async function confirmEmail(tx: Db, user: UserRow): Promise<void> {
  const metadata = mergeMetadata(user.raw_user_meta_data, { email_verified: true });
  await tx`
    update auth.users
    set confirmation_token = '', email_confirmed_at = coalesce(email_confirmed_at, now()),
        raw_user_meta_data = ${jsonb(tx, metadata)}, updated_at = now()
    where id = ${user.id}
  `;
  await tx`
    update auth.identities
    set identity_data = identity_data || '{"email_verified": true}'::jsonb, updated_at = now()
    where user_id = ${user.id} and provider = 'email' and lower(identity_data ->> 'email') = lower(${user.email ?? ""})
  `;
}

/**
 * What following the link does (signupVerify, recoverVerify, emailChangeVerify). Returns null when
 * only the first of an email change's two links was followed.
 */
async function applyVerification(
  tx: Db,
  context: AuthContext,
  { user, type }: Verified,
  usedHash: string,
): Promise<UserRow | null> {
  if (type === "signup" || type === "invite") {
    // An invitee has no password yet: GoTrue gives them a random one and the app asks for theirs.
    if (!user.encrypted_password && user.invited_at) {
      const random = await hashPassword(randomBytes(32).toString("base64url"));
      await tx`update auth.users set encrypted_password = ${random} where id = ${user.id}`;
    }
    await confirmEmail(tx, user);
    await clearTokens(tx, user.id);
  } else if (type === "recovery" || type === "magiclink") {
    await tx`update auth.users set recovery_token = '', updated_at = now() where id = ${user.id}`;
    await clearTokens(tx, user.id);
    if (!user.email_confirmed_at) await confirmEmail(tx, user);
  } else {
    const secure = !context.auth.mailerAutoconfirm && context.auth.secureEmailChange;
    if (secure && (user.email_change_confirm_status ?? 0) === 0 && user.email) {
      const [used] = await tx<{ token_type: TokenType }[]>`
        select token_type from auth.one_time_tokens where user_id = ${user.id} and token_hash = ${usedHash}
      `;
      const column =
        used?.token_type === "email_change_token_current"
          ? "email_change_token_current"
          : "email_change_token_new";
      await tx`
        update auth.users set email_change_confirm_status = 1, ${tx(column)} = '' where id = ${user.id}
      `;
      await clearTokens(tx, user.id, used?.token_type ?? "email_change_token_new");
      return null;
    }
    const newEmail = user.email_change ?? "";
    await tx`
      update auth.users
      set email = ${newEmail}, email_change = '', email_change_token_current = '', email_change_token_new = '',
          email_change_confirm_status = 0, updated_at = now()
      where id = ${user.id}
    `;
    await clearTokens(tx, user.id);
    await tx`
      update auth.identities
      set identity_data = identity_data || jsonb_build_object('email', ${newEmail}::text, 'email_verified', true),
          updated_at = now()
      where user_id = ${user.id} and provider = 'email'
    `;
    const changed = await findUserById(tx, user.id);
    if (changed && !changed.email_confirmed_at) await confirmEmail(tx, changed);
  }
  return findUserById(tx, user.id);
}

interface VerifyInput {
  type: string;
  token: string;
  tokenHash: string;
  email: string;
  phone: string;
  redirectTo: string;
}

function verifyInput(source: Record<string, unknown>): VerifyInput {
  const text = (key: string): string => optionalString(source, key) ?? "";
  return {
    type: text("type"),
    token: text("token"),
    tokenHash: text("token_hash"),
    email: text("email"),
    phone: text("phone"),
    redirectTo: text("redirect_to"),
  };
}

/** POST /verify: a token hash, or an address and the code sent to it, for a session. */
export async function verifyPost(
  req: IncomingMessage,
  res: ServerResponse,
  context: AuthContext,
): Promise<void> {
  const params = verifyInput(await readJsonBody(req));
  if (!params.type) throw failures.validation("Verify requires a verification type");
  if ((params.token === "") === (params.tokenHash === "")) {
    throw failures.validation("Verify requires either a token or a token hash");
  }
  if (params.tokenHash && (params.email || params.phone || params.redirectTo)) {
    throw failures.validation("Only the token_hash and type should be provided");
  }
  let email = "";
  if (params.token) {
    if (params.phone && !params.email) {
      // No account here has a phone number: a well-formed one simply matches nobody.
      const phone = params.phone.replace(/^\+/, "").replaceAll(" ", "");
      if (!/^[1-9][0-9]{1,14}$/.test(phone))
        throw failures.validation("Invalid phone number format (E.164 required)");
      throw failures.otpExpired();
    }
    if (!params.email || params.phone) {
      throw failures.validation("Only an email address or phone number should be provided on verify");
    }
    try {
      email = normalizeEmail(params.email);
    } catch {
      throw new AuthApiFailure(422, "validation_failed", "Invalid email format");
    }
  }
  if (params.type === "sms" || params.type === "phone_change") throw failures.otpExpired();

  const client = clientInfo(req);
  const outcome = await context.sql.begin(async (tx) => {
    const verified = params.tokenHash
      ? { ...(await verifyTokenHash(tx, context, params.type, params.tokenHash)), hash: params.tokenHash }
      : await verifyEmailAndCode(tx, context, params.type, email, params.token);
    const user = await applyVerification(tx, context, verified, verified.hash);
    if (!user) return null;
    return createSessionIn(tx, user, client, context.settings, "otp");
  });
  if (!outcome) {
    return sendJson(res, 200, { msg: SINGLE_CONFIRMATION_ACCEPTED, code: "200" }, API_VERSION_HEADERS);
  }
  sendJson(res, 200, outcome, API_VERSION_HEADERS);
}

const OAUTH_ERRORS: Record<number, string> = {
  400: "invalid_request",
  401: "unauthorized_client",
  403: "access_denied",
  500: "server_error",
  503: "temporarily_unavailable",
};

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { location, "content-length": 0 });
  res.end();
}

function errorRedirect(target: string, failure: AuthApiFailure, pkce: boolean): string {
  const url = new URL(target);
  const fragment = new URLSearchParams();
  const oauth = OAUTH_ERRORS[failure.status];
  if (oauth) {
    fragment.set("error", oauth);
    url.searchParams.set("error", oauth);
  }
  fragment.set("error_code", failure.code);
  fragment.set("error_description", failure.message);
  fragment.set("sb", "");
  if (pkce) {
    url.searchParams.set("error_code", failure.code);
    url.searchParams.set("error_description", failure.message);
  } else {
    url.search = new URL(target).search;
  }
  url.hash = fragment.toString();
  return url.toString();
}

/** The auth code a PKCE link hands the app (issueAuthCode). */
async function issueAuthCode(tx: Db, user: UserRow, type: string): Promise<string> {
  const [flow] = await tx<{ id: string; auth_code: string | null }[]>`
    select id, auth_code from auth.flow_state
    where user_id = ${user.id} and authentication_method = ${AUTH_METHODS[type] ?? type}
    order by created_at desc limit 1
  `;
  if (!flow?.auth_code) {
    throw new AuthApiFailure(
      400,
      "flow_state_not_found",
      "No associated flow state found. No valid flow state found for user.",
    );
  }
  await tx`update auth.flow_state set auth_code_issued_at = now(), updated_at = now() where id = ${flow.id}`;
  return flow.auth_code;
}

/**
 * GET /verify: the link in an email. Signs in and redirects to `redirect_to` with the session in the
 * fragment, or with `?code=` for PKCE links; failures redirect there too, with error parameters.
 */
export async function verifyGet(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  context: AuthContext,
): Promise<void> {
  const token = url.searchParams.get("token") ?? "";
  const type = url.searchParams.get("type") ?? "";
  if (!type) throw failures.validation("Verify requires a verification type");
  if (!token) throw failures.validation("Verify requires a token or a token hash");
  const target = referrer(context.auth, req, url);
  const pkce = token.startsWith("pkce_");
  const client = clientInfo(req);

  let location: string;
  try {
    location = await context.sql.begin(async (tx) => {
      if (!AUTH_METHODS[type]) throw failures.validation("Unsupported verification type");
      const verified = await verifyTokenHash(tx, context, type, token);
      const user = await applyVerification(tx, context, verified, token);
      if (!user) {
        const next = new URL(target);
        if (pkce) next.searchParams.set("message", SINGLE_CONFIRMATION_ACCEPTED);
        next.hash = new URLSearchParams({ message: SINGLE_CONFIRMATION_ACCEPTED, sb: "" }).toString();
        return next.toString();
      }
      const next = new URL(target);
      if (pkce) {
        next.searchParams.set("code", await issueAuthCode(tx, user, type));
        return next.toString();
      }
      const session = await createSessionIn(tx, user, client, context.settings, "otp");
      const fragment = new URLSearchParams();
      for (const key of ["access_token", "expires_at", "expires_in", "refresh_token", "token_type"]) {
        fragment.set(key, String(session[key]));
      }
      fragment.set("type", type);
      next.hash = fragment.toString();
      return next.toString();
    });
  } catch (error) {
    if (!(error instanceof AuthApiFailure)) throw error;
    location = errorRedirect(target, error, pkce);
  }
  redirect(res, location);
}

function challengeOf(verifier: string, method: string): string {
  return method === "plain" ? verifier : createHash("sha256").update(verifier).digest("base64url");
}

/** POST /token?grant_type=pkce: the auth code from a PKCE link and the verifier that started it. */
export async function pkceGrant(
  req: IncomingMessage,
  body: Record<string, unknown>,
  context: AuthContext,
): Promise<Record<string, unknown>> {
  const authCode = optionalString(body, "auth_code") ?? "";
  const verifier = optionalString(body, "code_verifier") ?? "";
  if (!authCode || !verifier) {
    throw failures.validation("invalid request: both auth code and code verifier should be non-empty");
  }
  const client = clientInfo(req);
  return context.sql.begin(async (tx) => {
    const [flow] = await tx<
      {
        id: string;
        user_id: string | null;
        code_challenge: string | null;
        code_challenge_method: string | null;
        authentication_method: string;
        created_at: Date | null;
        auth_code_issued_at: Date | null;
      }[]
    >`
      select id, user_id, code_challenge, code_challenge_method::text as code_challenge_method,
             authentication_method, created_at, auth_code_issued_at
      from auth.flow_state where auth_code = ${authCode}
      for update skip locked
    `;
    if (!flow?.user_id) throw failures.flowStateNotFound();
    const startedAt =
      flow.authentication_method === "magiclink" && flow.auth_code_issued_at
        ? flow.auth_code_issued_at
        : flow.created_at;
    if (!startedAt || Date.now() > startedAt.getTime() + FLOW_STATE_EXPIRY_MS)
      throw failures.flowStateExpired();
    const user = await findUserById(tx, flow.user_id);
    if (!user) throw failures.flowStateNotFound();
    if (
      !flow.code_challenge ||
      challengeOf(verifier, flow.code_challenge_method ?? "s256") !== flow.code_challenge
    ) {
      throw failures.badCodeVerifier();
    }
    await tx`delete from auth.flow_state where id = ${flow.id}`;
    return createSessionIn(tx, user, client, context.settings, flow.authentication_method);
  });
}
