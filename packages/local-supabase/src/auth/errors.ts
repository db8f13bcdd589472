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
  weakPassword: () =>
    new AuthApiFailure(422, "weak_password", "Password should be at least 6 characters.", {
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
};
