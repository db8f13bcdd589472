import type { Sql } from "postgres";
import { sendJson, type RouteHandler } from "../http-io.ts";
import { adminUsers } from "./admin-routes.ts";
import { API_VERSION_HEADERS, AuthApiFailure, failures, sendAuthFailure } from "./errors.ts";
import type { AuthContext } from "./request-auth.ts";
import type { TokenSettings } from "./sessions.ts";
import { getUser, logout, signUp, token, updateUser } from "./user-routes.ts";

const SETTINGS = {
  external: { email: true, phone: false, anonymous_users: false },
  disable_signup: false,
  mailer_autoconfirm: true,
  phone_autoconfirm: false,
  sms_provider: "",
  saml_enabled: false,
};

/**
 * The subset of the Supabase Auth (GoTrue) API that supabase-js and @supabase/ssr use for email and
 * password accounts, on the same tables hosted Supabase has.
 */
export function createAuthHandler(
  sql: Sql,
  settings: TokenSettings,
  log: (line: string) => void,
): RouteHandler {
  const context: AuthContext = { sql, settings };

  const route = async (...[req, res, path, url]: Parameters<RouteHandler>): Promise<void> => {
    const method = req.method ?? "GET";
    if (path === "/health" && method === "GET") {
      return sendJson(res, 200, { version: "local", name: "GoTrue", description: "local-supabase auth" });
    }
    if (path === "/settings" && method === "GET") return sendJson(res, 200, SETTINGS, API_VERSION_HEADERS);
    if (path === "/signup" && method === "POST") return signUp(req, res, context);
    if (path === "/token" && method === "POST") return token(req, res, url, context);
    if (path === "/user" && method === "GET") return getUser(req, res, context);
    if (path === "/user" && method === "PUT") return updateUser(req, res, context);
    if (path === "/logout" && method === "POST") return logout(req, res, url, context);
    if (path === "/admin/users" || path.startsWith("/admin/users/")) {
      return adminUsers(req, res, path, url, context);
    }
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
