import type { ServerResponse } from "node:http";
import { sendJson } from "../http-io.ts";

/** auth-js reads `code` only when the response declares this API version (and `error_code` otherwise). */
export const API_VERSION_HEADERS = { "x-supabase-api-version": "2024-01-01" } as const;

/** An expected failure, answered with GoTrue's status and error code. */
export class AuthApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "AuthApiFailure";
  }
}

export function sendAuthFailure(res: ServerResponse, failure: AuthApiFailure): void {
  sendJson(
    res,
    failure.status,
    {
      code: failure.code,
      message: failure.message,
      // The pre-2024 field names, which older clients still read.
      error_code: failure.code,
      msg: failure.message,
      ...failure.extra,
    },
    API_VERSION_HEADERS,
  );
}

export const failures = {
  badJson: () => new AuthApiFailure(400, "bad_json", "Could not parse request body as JSON"),
  validation: (message: string) => new AuthApiFailure(400, "validation_failed", message),
  invalidCredentials: () => new AuthApiFailure(400, "invalid_credentials", "Invalid login credentials"),
  emailNotConfirmed: () => new AuthApiFailure(400, "email_not_confirmed", "Email not confirmed"),
  userBanned: () => new AuthApiFailure(400, "user_banned", "User is banned"),
  userAlreadyExists: () => new AuthApiFailure(422, "user_already_exists", "User already registered"),
  emailExists: () =>
    new AuthApiFailure(422, "email_exists", "A user with this email address has already been registered"),
  weakPassword: (minimum = 6) =>
    new AuthApiFailure(422, "weak_password", `Password should be at least ${minimum} characters.`, {
      weak_password: { reasons: ["length"] },
    }),
  samePassword: () =>
    new AuthApiFailure(422, "same_password", "New password should be different from the old password."),
  refreshTokenNotFound: () =>
    new AuthApiFailure(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found"),
  refreshTokenAlreadyUsed: () =>
    new AuthApiFailure(400, "refresh_token_already_used", "Invalid Refresh Token: Already Used"),
  noAuthorization: () =>
    new AuthApiFailure(401, "no_authorization", "This endpoint requires a valid Bearer token"),
  badJwt: (reason: string) =>
    new AuthApiFailure(403, "bad_jwt", `invalid JWT: unable to parse or verify signature, ${reason}`),
  sessionNotFound: () =>
    new AuthApiFailure(403, "session_not_found", "Session from session_id claim in JWT does not exist"),
  userFromJwtNotFound: () =>
    new AuthApiFailure(403, "user_not_found", "User from sub claim in JWT does not exist"),
  notAdmin: () => new AuthApiFailure(403, "not_admin", "User not allowed"),
  userNotFound: () => new AuthApiFailure(404, "user_not_found", "User not found"),
  notFound: (path: string) =>
    new AuthApiFailure(404, "not_found", `${path} is not supported by the local auth server`),
  unsupportedGrant: () => new AuthApiFailure(400, "validation_failed", "unsupported_grant_type"),
  /** A link (token hash) that does not exist, was used, or is too old: GoTrue does not say which. */
  linkExpired: () => new AuthApiFailure(403, "otp_expired", "Email link is invalid or has expired"),
  /** The same for a code typed in (email + token). */
  otpExpired: () => new AuthApiFailure(403, "otp_expired", "Token has expired or is invalid"),
  bannedForVerify: () => new AuthApiFailure(403, "user_banned", "User is banned"),
  emailRateLimit: () => new AuthApiFailure(429, "over_email_send_rate_limit", "email rate limit exceeded"),
  sendFrequency: (seconds: number) =>
    new AuthApiFailure(
      429,
      "over_email_send_rate_limit",
      `For security purposes, you can only request this after ${seconds} seconds.`,
    ),
  otpDisabled: () => new AuthApiFailure(422, "otp_disabled", "Signups not allowed for otp"),
  signupDisabled: () => new AuthApiFailure(422, "signup_disabled", "Signups not allowed for this instance"),
  phoneProviderDisabled: () =>
    new AuthApiFailure(400, "phone_provider_disabled", "Unsupported phone provider"),
  flowStateNotFound: () =>
    new AuthApiFailure(404, "flow_state_not_found", "invalid flow state, no valid flow state found"),
  flowStateExpired: () =>
    new AuthApiFailure(422, "flow_state_expired", "invalid flow state, flow state has expired"),
  badCodeVerifier: () =>
    new AuthApiFailure(
      400,
      "bad_code_verifier",
      "code challenge does not match previously saved code verifier",
    ),
  invalidPkceParams: () =>
    new AuthApiFailure(
      400,
      "validation_failed",
      "PKCE flow requires code_challenge_method and code_challenge",
    ),
};
