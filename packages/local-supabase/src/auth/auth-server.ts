import type { Sql } from "postgres";
import { sendJson, type RouteHandler } from "../http-io.ts";
import type { Mailbox } from "../inbox/mailbox.ts";
import { invite } from "./admin-links.ts";
import { adminRoutes } from "./admin-routes.ts";
import type { AuthSettings } from "./auth-settings.ts";
import { otp, recover, resend } from "./email-routes.ts";
import { API_VERSION_HEADERS, AuthApiFailure, failures, sendAuthFailure } from "./errors.ts";
import { createMailer } from "./mailer.ts";
import { requireAdmin, type AuthContext } from "./request-auth.ts";
import type { TokenSettings } from "./sessions.ts";
import { getUser, logout, signUp, token, updateUser } from "./user-routes.ts";
import { verifyGet, verifyPost } from "./verify-routes.ts";
import { factors, identities, reauthenticate, SSO_DISABLED } from "./unsupported-routes.ts";

function publicSettings(auth: AuthSettings): Record<string, unknown> {
  return {
    external: { email: true, phone: false, anonymous_users: false },
    disable_signup: auth.disableSignup,
    mailer_autoconfirm: auth.mailerAutoconfirm,
    phone_autoconfirm: false,
    sms_provider: "",
    saml_enabled: false,
  };
}

/**
 * The subset of the Supabase Auth (GoTrue) API that supabase-js and @supabase/ssr use for email
 * accounts (passwords, magic links and codes, recovery, invitations, email changes), on the same
 * tables hosted Supabase has. Emails go to `mailbox` (the local inbox) instead of out.
 */
export function createAuthHandler(
  sql: Sql,
  settings: TokenSettings,
  auth: AuthSettings,
  mailbox: Mailbox,
  log: (line: string) => void,
): RouteHandler {
  const context: AuthContext = { sql, settings, auth, mailer: createMailer(auth, mailbox, settings.issuer) };

  const route = async (...[req, res, path, url]: Parameters<RouteHandler>): Promise<void> => {
    const method = req.method ?? "GET";
    if (path === "/health" && method === "GET") {
      return sendJson(res, 200, { version: "local", name: "GoTrue", description: "local-supabase auth" });
    }
    if (path === "/settings" && method === "GET") {
      return sendJson(res, 200, publicSettings(auth), API_VERSION_HEADERS);
    }
    if (path === "/signup" && method === "POST") return signUp(req, res, url, context);
    if (path === "/token" && method === "POST") return token(req, res, url, context);
    if (path === "/user" && method === "GET") return getUser(req, res, context);
    if (path === "/user" && method === "PUT") return updateUser(req, res, url, context);
    if (path === "/logout" && method === "POST") return logout(req, res, url, context);
    if (path === "/recover" && method === "POST") return recover(req, res, url, context);
    if (path === "/otp" && method === "POST") return otp(req, res, url, context);
    if (path === "/magiclink" && method === "POST") return otp(req, res, url, context);
    if (path === "/resend" && method === "POST") return resend(req, res, url, context);
    if (path === "/verify" && method === "GET") return verifyGet(req, res, url, context);
    if (path === "/verify" && method === "POST") return verifyPost(req, res, context);
    if (path === "/invite" && method === "POST") {
      await requireAdmin(req, settings);
      return invite(req, res, url, context);
    }
    if (path === "/admin" || path.startsWith("/admin/")) return adminRoutes(req, res, path, url, context);
    if (path === "/reauthenticate" && method === "GET") return reauthenticate(req, res, context);
    if (path === "/sso" && method === "POST") throw SSO_DISABLED();
    if (path.startsWith("/user/identities")) return identities(req, context);
    if (path === "/factors" || path.startsWith("/factors/")) return factors(req, path, context);
    throw failures.notFound(`${method} ${path}`);
  };

  return async (req, res, path, url) => {
    try {
      await route(req, res, path, url);
    } catch (error) {
      if (error instanceof AuthApiFailure) {
        if (error.status >= 500) log(`[auth] ${req.method} ${path}: ${error.message}`);
        return sendAuthFailure(res, error);
      }
      log(
        `[auth] ${req.method} ${path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      const message = error instanceof Error ? error.message : String(error);
      sendAuthFailure(res, new AuthApiFailure(500, "unexpected_failure", message));
    }
  };
}
