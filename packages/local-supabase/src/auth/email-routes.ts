import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { asRecord, optionalString, sendJson } from "../http-io.ts";
import {
  createFlowState,
  pkceParams,
  sendConfirmation,
  sendEmailChange,
  sendRecovery,
} from "./email-sends.ts";
import { API_VERSION_HEADERS, failures } from "./errors.ts";
import { hashPassword } from "./passwords.ts";
import { referrer } from "./redirects.ts";
import { readJsonBody, type AuthContext } from "./request-auth.ts";
import { findUserByEmail, insertUser } from "./users.ts";
import { normalizeEmail } from "./validation.ts";

// Every email endpoint answers `{}` whether or not the address has an account (as GoTrue does), so
// none of them tells a stranger who signed up.
const EMPTY = {};

function requireEmail(body: Record<string, unknown>, missing: string): string {
  const email = optionalString(body, "email") ?? "";
  if (!email) throw failures.validation(missing);
  if (email.length > 255) throw failures.validation("An email address is too long");
  return normalizeEmail(email);
}

/** POST /recover: a password reset link, for accounts that exist. */
export async function recover(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  context: AuthContext,
): Promise<void> {
  const body = await readJsonBody(req);
  const email = requireEmail(body, "Password recovery requires an email");
  const pkce = pkceParams(body);
  const redirectTo = referrer(context.auth, req, url);
  await context.sql.begin(async (tx) => {
    const user = await findUserByEmail(tx, email);
    if (!user || user.deleted_at) return;
    if (pkce) await createFlowState(tx, user.id, "recovery", pkce);
    await sendRecovery(tx, context.mailer, user, "recovery", pkce !== null, redirectTo);
  });
  sendJson(res, 200, EMPTY, API_VERSION_HEADERS);
}

/**
 * POST /otp with an email: a magic link (and its code). An unknown address is signed up unless
 * `create_user` is false; with confirmations on, a new user gets the confirmation email instead.
 */
export async function otp(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  context: AuthContext,
): Promise<void> {
  const body = await readJsonBody(req);
  const rawEmail = optionalString(body, "email") ?? "";
  const phone = optionalString(body, "phone") ?? "";
  if (rawEmail && phone)
    throw failures.validation("Only an email address or phone number should be provided");
  if (rawEmail && optionalString(body, "channel")) {
    throw failures.validation("Channel should only be specified with Phone OTP");
  }
  const pkce = pkceParams(body);
  if (!rawEmail && !phone) throw failures.validation("One of email or phone must be set");
  if (!rawEmail) throw failures.phoneProviderDisabled();
  const email = requireEmail(body, "An email address is required");
  const createUser = body.create_user !== false;
  const data = asRecord(body.data);
  const redirectTo = referrer(context.auth, req, url);

  const existing = await findUserByEmail(context.sql, email);
  if ((!existing || existing.deleted_at) && !createUser) throw failures.otpDisabled();
  if (!existing && context.auth.disableSignup) throw failures.signupDisabled();
  // A user signed up by a link gets a random password nobody knows, as in GoTrue.
  const passwordHash = existing ? null : await hashPassword(randomBytes(33).toString("base64url"));

  await context.sql.begin(async (tx) => {
    const found = await findUserByEmail(tx, email);
    const target =
      found && !found.deleted_at
        ? found
        : await insertUser(tx, {
            email,
            passwordHash,
            emailConfirmed: context.auth.mailerAutoconfirm,
            userMetadata: data,
            appMetadata: {},
            role: "authenticated",
            phone: null,
            signedIn: false,
          });
    if (!target.email_confirmed_at && !context.auth.mailerAutoconfirm) {
      // Not confirmed yet: the confirmation email doubles as the sign-in link.
      if (pkce) await createFlowState(tx, target.id, "email/signup", pkce);
      await sendConfirmation(tx, context.mailer, target, pkce !== null, redirectTo);
      return;
    }
    if (pkce) await createFlowState(tx, target.id, "magiclink", pkce);
    await sendRecovery(tx, context.mailer, target, "magiclink", pkce !== null, redirectTo);
  });
  sendJson(res, 200, EMPTY, API_VERSION_HEADERS);
}

/** POST /resend: the confirmation of a sign-up or of an email change, again. */
export async function resend(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  context: AuthContext,
): Promise<void> {
  const body = await readJsonBody(req);
  const type = optionalString(body, "type") ?? "";
  if (type === "sms" || type === "phone_change") throw failures.phoneProviderDisabled();
  if (type !== "signup" && type !== "email_change") {
    throw failures.validation("Missing one of these types: signup, email_change, sms, phone_change");
  }
  const pkce = pkceParams(body);
  const rawEmail = optionalString(body, "email") ?? "";
  if (!rawEmail && type === "signup") throw failures.validation("Type provided requires an email address");
  if (rawEmail && optionalString(body, "phone")) {
    throw failures.validation("Only an email address or phone number should be provided.");
  }
  if (!rawEmail) throw failures.validation("Missing email address or phone number");
  const email = requireEmail(body, "Missing email address or phone number");
  const redirectTo = referrer(context.auth, req, url);

  await context.sql.begin(async (tx) => {
    const user = await findUserByEmail(tx, email);
    if (!user || user.deleted_at) return;
    if (type === "signup") {
      if (user.email_confirmed_at) return;
      if (pkce) await createFlowState(tx, user.id, "email/signup", pkce);
      await sendConfirmation(tx, context.mailer, user, pkce !== null, redirectTo);
      return;
    }
    if (!user.email_change) return;
    if (pkce) await createFlowState(tx, user.id, "email_change", pkce);
    await sendEmailChange(tx, context.mailer, user, user.email_change, pkce !== null, redirectTo);
  });
  sendJson(res, 200, EMPTY, API_VERSION_HEADERS);
}
