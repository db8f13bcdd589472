import { randomUUID } from "node:crypto";
import { failures, AuthApiFailure } from "./errors.ts";
import { generateOtp, storeToken, tokenHash, withFlowPrefix } from "./email-tokens.ts";
import { assertSendFrequency, sendAuthEmail, type Mailer } from "./mailer.ts";
import type { Db, UserRow } from "./users.ts";

// Each send writes the token first and puts the email in the inbox last, inside the caller's
// transaction: a refused send (rate limit) rolls the token back, so nothing is half-written.

export interface PkceParams {
  codeChallenge: string;
  codeChallengeMethod: string;
}

/** GoTrue's validatePKCEParams: both or neither, and a challenge as RFC 7636 allows. */
export function pkceParams(body: Record<string, unknown>): PkceParams | null {
  const challenge = typeof body.code_challenge === "string" ? body.code_challenge : "";
  const method = typeof body.code_challenge_method === "string" ? body.code_challenge_method : "";
  if ((challenge === "") !== (method === "")) throw failures.invalidPkceParams();
  if (!challenge) return null;
  if (challenge.length < 43 || challenge.length > 128) {
    throw failures.validation("code challenge has to be between 43 and 128 characters");
  }
  if (!/^[a-zA-Z._~0-9-]+$/.test(challenge)) {
    throw failures.validation(
      "code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes",
    );
  }
  const lower = method.toLowerCase();
  if (lower !== "s256" && lower !== "plain") {
    throw new AuthApiFailure(400, "validation_failed", `unsupported code_challenge method "${method}"`);
  }
  return { codeChallenge: challenge, codeChallengeMethod: lower };
}

/** The flow state a PKCE link's auth code is issued from (generateFlowState). */
export async function createFlowState(
  db: Db,
  userId: string,
  authenticationMethod: string,
  pkce: PkceParams,
): Promise<void> {
  await db`
    insert into auth.flow_state (id, user_id, auth_code, code_challenge_method, code_challenge,
      provider_type, authentication_method, created_at, updated_at)
    values (${randomUUID()}, ${userId}, ${randomUUID()}, ${pkce.codeChallengeMethod}, ${pkce.codeChallenge},
      ${authenticationMethod === "email/signup" ? "email" : authenticationMethod}, ${authenticationMethod}, now(), now())
  `;
}

function emailOf(user: UserRow): string {
  return user.email ?? "";
}

export async function sendConfirmation(
  tx: Db,
  mailer: Mailer,
  user: UserRow,
  pkce: boolean,
  redirectTo: string,
): Promise<void> {
  assertSendFrequency(mailer, user.confirmation_sent_at);
  const otp = generateOtp(mailer.settings.otpLength);
  const hash = withFlowPrefix(tokenHash(emailOf(user), otp), pkce);
  await tx`
    update auth.users set confirmation_token = ${hash}, confirmation_sent_at = now() where id = ${user.id}
  `;
  await storeToken(tx, user.id, "confirmation_token", hash, emailOf(user));
  sendAuthEmail(mailer, {
    action: "confirmation",
    verifyType: "signup",
    to: emailOf(user),
    otp,
    tokenHash: hash,
    redirectTo,
    email: emailOf(user),
    userMetadata: user.raw_user_meta_data ?? {},
  });
}

export async function sendInvite(tx: Db, mailer: Mailer, user: UserRow, redirectTo: string): Promise<void> {
  const otp = generateOtp(mailer.settings.otpLength);
  const hash = tokenHash(emailOf(user), otp);
  await tx`
    update auth.users
    set confirmation_token = ${hash}, confirmation_sent_at = now(), invited_at = now()
    where id = ${user.id}
  `;
  await storeToken(tx, user.id, "confirmation_token", hash, emailOf(user));
  sendAuthEmail(mailer, {
    action: "invite",
    verifyType: "invite",
    to: emailOf(user),
    otp,
    tokenHash: hash,
    redirectTo,
    email: emailOf(user),
    userMetadata: user.raw_user_meta_data ?? {},
  });
}

/** Password recovery and magic links share the recovery token and its send timer, as in GoTrue. */
export async function sendRecovery(
  tx: Db,
  mailer: Mailer,
  user: UserRow,
  kind: "recovery" | "magiclink",
  pkce: boolean,
  redirectTo: string,
): Promise<void> {
  assertSendFrequency(mailer, user.recovery_sent_at);
  const otp = generateOtp(mailer.settings.otpLength);
  const hash = withFlowPrefix(tokenHash(emailOf(user), otp), pkce);
  await tx`update auth.users set recovery_token = ${hash}, recovery_sent_at = now() where id = ${user.id}`;
  await storeToken(tx, user.id, "recovery_token", hash, emailOf(user));
  sendAuthEmail(mailer, {
    action: kind === "recovery" ? "recovery" : "magic_link",
    verifyType: kind,
    to: emailOf(user),
    otp,
    tokenHash: hash,
    redirectTo,
    email: emailOf(user),
    userMetadata: user.raw_user_meta_data ?? {},
  });
}

/**
 * Asks for a new address: a link to the new one, and with secure email change also one to the
 * current address (both must be followed unless the server autoconfirms).
 */
export async function sendEmailChange(
  tx: Db,
  mailer: Mailer,
  user: UserRow,
  newEmail: string,
  pkce: boolean,
  redirectTo: string,
): Promise<void> {
  assertSendFrequency(mailer, user.email_change_sent_at);
  const otpNew = generateOtp(mailer.settings.otpLength);
  const hashNew = withFlowPrefix(tokenHash(newEmail, otpNew), pkce);
  const current = emailOf(user);
  const secure = mailer.settings.secureEmailChange && current !== "";
  const otpCurrent = secure ? generateOtp(mailer.settings.otpLength) : "";
  const hashCurrent = secure ? withFlowPrefix(tokenHash(current, otpCurrent), pkce) : "";
  await tx`
    update auth.users
    set email_change = ${newEmail}, email_change_token_new = ${hashNew},
        email_change_token_current = ${hashCurrent}, email_change_confirm_status = 0,
        email_change_sent_at = now()
    where id = ${user.id}
  `;
  await storeToken(tx, user.id, "email_change_token_new", hashNew, newEmail);
  if (secure) await storeToken(tx, user.id, "email_change_token_current", hashCurrent, current);
  else
    await tx`delete from auth.one_time_tokens where user_id = ${user.id} and token_type = 'email_change_token_current'`;
  const common = {
    action: "email_change" as const,
    verifyType: "email_change",
    redirectTo,
    email: current,
    newEmail,
    userMetadata: user.raw_user_meta_data ?? {},
  };
  sendAuthEmail(
    mailer,
    { ...common, to: newEmail, otp: otpNew, tokenHash: hashNew },
    ...(secure ? [{ ...common, to: current, otp: otpCurrent, tokenHash: hashCurrent }] : []),
  );
}

/** GET /reauthenticate's code, which a password change may require as `nonce`. */
export async function sendReauthentication(tx: Db, mailer: Mailer, user: UserRow): Promise<void> {
  const [row] = await tx<{ reauthentication_sent_at: Date | null }[]>`
    select reauthentication_sent_at from auth.users where id = ${user.id}
  `;
  assertSendFrequency(mailer, row?.reauthentication_sent_at ?? null);
  const otp = generateOtp(mailer.settings.otpLength);
  const hash = tokenHash(emailOf(user), otp);
  await tx`
    update auth.users set reauthentication_token = ${hash}, reauthentication_sent_at = now() where id = ${user.id}
  `;
  await storeToken(tx, user.id, "reauthentication_token", hash, emailOf(user));
  sendAuthEmail(mailer, {
    action: "reauthentication",
    verifyType: "reauthentication",
    to: emailOf(user),
    otp,
    tokenHash: hash,
    redirectTo: mailer.settings.siteUrl,
    email: emailOf(user),
    userMetadata: user.raw_user_meta_data ?? {},
  });
}
