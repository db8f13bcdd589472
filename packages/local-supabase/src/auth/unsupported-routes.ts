import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "../http-io.ts";
import { sendReauthentication } from "./email-sends.ts";
import { API_VERSION_HEADERS, AuthApiFailure, failures } from "./errors.ts";
import { requireUser, type AuthContext } from "./request-auth.ts";

// Features this project does not turn on (SSO, identity linking, Web3, ID tokens, MFA) answer as
// GoTrue does when they are off in config.toml, after the same authentication.

export const SSO_DISABLED = () => new AuthApiFailure(404, "saml_provider_disabled", "SAML 2.0 is disabled");

export const WEB3_DISABLED = () =>
  new AuthApiFailure(422, "web3_provider_disabled", "Web3 provider is disabled");

export function idTokenProviderDisabled(body: Record<string, unknown>): AuthApiFailure {
  const provider = typeof body.provider === "string" ? body.provider : "";
  const issuer = typeof body.issuer === "string" ? body.issuer : provider;
  return new AuthApiFailure(400, "provider_disabled", `Provider (issuer "${issuer}") is not enabled`);
}

/** `/user/identities/*`: manual linking is off. */
export async function identities(req: IncomingMessage, context: AuthContext): Promise<never> {
  await requireUser(req, context);
  throw new AuthApiFailure(404, "manual_linking_disabled", "Manual linking is disabled");
}

/** `/factors*`: MFA is not offered; a request without a session is refused first, as GoTrue does. */
export async function factors(req: IncomingMessage, path: string, context: AuthContext): Promise<never> {
  await requireUser(req, context);
  throw failures.notFound(`${req.method} ${path}`);
}

/** GET /reauthenticate: a code by email for a sensitive change (the `nonce` of a password update). */
export async function reauthenticate(
  req: IncomingMessage,
  res: ServerResponse,
  context: AuthContext,
): Promise<void> {
  const { user } = await requireUser(req, context);
  if (!user.email) {
    throw failures.validation("Reauthentication requires the user to have an email or a phone number");
  }
  if (!user.email_confirmed_at) {
    throw new AuthApiFailure(422, "email_not_confirmed", "Please verify your email first.");
  }
  await context.sql.begin((tx) => sendReauthentication(tx, context.mailer, user));
  sendJson(res, 200, {}, API_VERSION_HEADERS);
}
