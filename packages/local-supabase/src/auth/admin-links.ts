import type { IncomingMessage, ServerResponse } from "node:http";
import { asRecord, optionalString, sendJson } from "../http-io.ts";
import { sendInvite } from "./email-sends.ts";
import { generateOtp, storeToken, tokenHash } from "./email-tokens.ts";
import { API_VERSION_HEADERS, AuthApiFailure, failures } from "./errors.ts";
import { confirmationUrl } from "./mailer.ts";
import { assertStrongEnough, hashPassword } from "./passwords.ts";
import { referrer } from "./redirects.ts";
import { readJsonBody, type AuthContext } from "./request-auth.ts";
import { findUserByEmail, findUserById, insertUser, loadUserJson, type Db, type UserRow } from "./users.ts";
import { normalizeEmail } from "./validation.ts";

const DUPLICATE_EMAIL = "A user with this email address has already been registered";

function emailExists(): AuthApiFailure {
  return new AuthApiFailure(422, "email_exists", DUPLICATE_EMAIL);
}

function newInvitee(db: Db, email: string, data: Record<string, unknown>): Promise<UserRow> {
  return insertUser(db, {
    email,
    passwordHash: null,
    emailConfirmed: false,
    userMetadata: data,
    appMetadata: {},
    role: "authenticated",
    phone: null,
    signedIn: false,
    invited: true,
    identityInMetadata: false,
  });
}

/**
 * POST /invite (service role): creates the user without a password and emails an invitation; an
 * unconfirmed user is invited again, a confirmed one is refused with `email_exists`.
 */
export async function invite(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  context: AuthContext,
): Promise<void> {
  const body = await readJsonBody(req);
  const email = normalizeEmail(optionalString(body, "email") ?? "");
  const data = asRecord(body.data);
  const redirectTo = referrer(context.auth, req, url);
  const invited = await context.sql.begin(async (tx) => {
    const existing = await findUserByEmail(tx, email);
    if (existing?.email_confirmed_at) throw emailExists();
    const user = existing ?? (await newInvitee(tx, email, data));
    await sendInvite(tx, context.mailer, user, redirectTo);
    return findUserById(tx, user.id);
  });
  if (!invited) throw new Error("the invited user disappeared");
  sendJson(res, 200, await loadUserJson(context.sql, invited), API_VERSION_HEADERS);
}

const LINK_TYPES = ["signup", "invite", "magiclink", "recovery", "email_change_current", "email_change_new"];

/**
 * POST /admin/generate_link (service role): the link and code an email would carry, without
 * sending it, for apps that send their own email.
 */
export async function generateLink(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  context: AuthContext,
): Promise<void> {
  const body = await readJsonBody(req);
  let type = optionalString(body, "type") ?? "";
  const email = normalizeEmail(optionalString(body, "email") ?? "");
  const data = asRecord(body.data);
  const redirectTo = referrer(context.auth, req, url, optionalString(body, "redirect_to"));
  if (!LINK_TYPES.includes(type)) {
    throw failures.validation(`Invalid email action link type requested: ${type}`);
  }
  let password = optionalString(body, "password") ?? "";
  const otp = generateOtp(context.auth.otpLength);
  const hashed = tokenHash(email, otp);

  const existing = await findUserByEmail(context.sql, email);
  if (!existing) {
    if (type === "magiclink") {
      // GoTrue turns a magic link for a stranger into a sign-up.
      type = "signup";
      password = password || crypto.randomUUID() + crypto.randomUUID();
    } else if (type === "recovery" || type.startsWith("email_change")) {
      throw new AuthApiFailure(404, "user_not_found", "User with this email not found");
    }
  }
  if (type === "signup" && !existing) {
    if (!password) throw new AuthApiFailure(422, "validation_failed", "Signup requires a valid password");
    assertStrongEnough(password, context.auth.minimumPasswordLength);
  }
  const passwordHash = type === "signup" && !existing ? await hashPassword(password) : null;

  let linkHash = hashed;
  const user = await context.sql.begin(async (tx) => {
    let target = await findUserByEmail(tx, email);
    if (type === "magiclink" || type === "recovery") {
      if (!target) throw new AuthApiFailure(404, "user_not_found", "User with this email not found");
      await tx`update auth.users set recovery_token = ${hashed}, recovery_sent_at = now() where id = ${target.id}`;
      await storeToken(tx, target.id, "recovery_token", hashed, email);
    } else if (type === "invite" || type === "signup") {
      if (target?.email_confirmed_at) throw emailExists();
      target ??=
        type === "invite"
          ? await newInvitee(tx, email, data)
          : await insertUser(tx, {
              email,
              passwordHash,
              emailConfirmed: false,
              userMetadata: data,
              appMetadata: {},
              role: "authenticated",
              phone: null,
              signedIn: false,
              identityInMetadata: false,
            });
      await tx`
        update auth.users
        set confirmation_token = ${hashed}, confirmation_sent_at = now()
            ${type === "invite" ? tx`, invited_at = now()` : tx``}
        where id = ${target.id}
      `;
      await storeToken(tx, target.id, "confirmation_token", hashed, email);
    } else {
      if (!target) throw new AuthApiFailure(404, "user_not_found", "User with this email not found");
      if (!context.auth.secureEmailChange && type === "email_change_current") {
        throw failures.validation("Enable secure email change to generate link for current email");
      }
      const newEmail = normalizeEmail(optionalString(body, "new_email") ?? "");
      const owner = await findUserByEmail(tx, newEmail);
      if (owner && owner.id !== target.id) throw emailExists();
      if (type === "email_change_current") {
        await tx`
          update auth.users set email_change = ${newEmail}, email_change_token_current = ${hashed},
            email_change_sent_at = now(), email_change_confirm_status = 0
          where id = ${target.id}
        `;
        await storeToken(tx, target.id, "email_change_token_current", hashed, email);
      } else {
        linkHash = tokenHash(newEmail, otp);
        await tx`
          update auth.users set email_change = ${newEmail}, email_change_token_new = ${linkHash},
            email_change_sent_at = now(), email_change_confirm_status = 0
          where id = ${target.id}
        `;
        await storeToken(tx, target.id, "email_change_token_new", linkHash, newEmail);
      }
    }
    return findUserById(tx, target.id);
  });
  if (!user) throw new Error("the user disappeared");
  const verifyType = type.startsWith("email_change") ? "email_change" : type;
  sendJson(
    res,
    200,
    {
      ...(await loadUserJson(context.sql, user)),
      action_link: confirmationUrl(context.mailer, linkHash, verifyType, redirectTo),
      email_otp: otp,
      hashed_token: hashed,
      verification_type: type,
      redirect_to: redirectTo,
    },
    API_VERSION_HEADERS,
  );
}
