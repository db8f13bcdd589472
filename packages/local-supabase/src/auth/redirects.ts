import type { IncomingMessage } from "node:http";
import type { AuthSettings } from "./auth-settings.ts";

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

function globToRegExp(pattern: string): RegExp {
  // As GoTrue's URI allow list (gobwas/glob with '.' and '/' as separators): `*` stays within a
  // segment, `**` crosses them, `?` is one character.
  let source = "";
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern[index] ?? "";
    if (char === "*" && pattern[index + 1] === "*") {
      source += ".*";
      index += 1;
    } else if (char === "*") source += "[^./]*";
    else if (char === "?") source += "[^./]";
    else source += char.replace(/[\\^$+.()|{}[\]]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

/**
 * GoTrue's IsRedirectURLValid: the site itself (scheme and host; any port on loopback), loopback IP
 * addresses, or a match in the allow list (`additional_redirect_urls`, globs allowed).
 */
export function isRedirectUrlAllowed(settings: AuthSettings, redirectUrl: string): boolean {
  if (!redirectUrl) return false;
  let base: URL;
  let target: URL;
  try {
    base = new URL(settings.siteUrl);
    target = new URL(redirectUrl);
  } catch {
    return false;
  }
  if (
    base.hostname === target.hostname &&
    base.protocol === target.protocol &&
    (base.port === target.port || LOOPBACK_HOSTS.has(target.hostname))
  ) {
    return true;
  }
  if (/^\d+$/.test(target.hostname)) return false;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(target.hostname)) return target.hostname.startsWith("127.");
  if (target.hostname === "[::1]") return true;
  const withoutFragment = redirectUrl.split("#")[0] ?? "";
  return settings.additionalRedirectUrls.some((pattern) => globToRegExp(pattern).test(withoutFragment));
}

/** GoTrue's GetReferrer: `redirect_to` (header, query or form), else the Referer, else the site URL. */
export function referrer(
  settings: AuthSettings,
  req: IncomingMessage,
  url: URL,
  bodyRedirect?: string,
): string {
  const header = req.headers.redirect_to;
  const candidates = [
    typeof header === "string" ? header : undefined,
    url.searchParams.get("redirect_to") ?? undefined,
    bodyRedirect,
    req.headers.referer,
  ];
  for (const candidate of candidates) {
    if (candidate && isRedirectUrlAllowed(settings, candidate)) return candidate;
  }
  return settings.siteUrl;
}
