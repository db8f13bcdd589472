// Security response headers. Pure (no Next.js imports) so proxy.ts, next.config.ts and unit tests
// can all use it.

/** Request header carrying the per-request CSP nonce to server components (`headers().get(...)`). */
export const NONCE_HEADER = "x-nonce";

export const CSP_HEADER = "Content-Security-Policy" as const;

export const HSTS_VALUE = "max-age=63072000; includeSubDomains";

/** Headers that never vary: safe for every response, JSON route handlers included. */
export const STATIC_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "strict-origin-when-cross-origin",
  "X-Content-Type-Options": "nosniff",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
};

export interface CspOptions {
  /** Base64 nonce, fresh for every request. */
  nonce: string;
  /** NEXT_PUBLIC_SUPABASE_URL: the browser talks to its API, Storage (signed uploads) and Realtime. */
  supabaseUrl?: string;
  /** NODE_ENV === "development": React's dev tooling needs eval. */
  dev: boolean;
  /** The request came over HTTPS. */
  https: boolean;
}

/** An unguessable nonce: 16 random bytes, base64. */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/** True when the request reached us (or the proxy in front of us) over HTTPS. */
export function isHttpsRequest(protocol: string, forwardedProto: string | null | undefined): boolean {
  if (protocol === "https:") return true;
  // A chain of proxies appends to the header; the first entry is what the client used.
  const first = forwardedProto?.split(",")[0]?.trim().toLowerCase();
  return first === "https";
}

/** The http(s) and ws(s) origins of the Supabase URL, or nothing when it is not a URL. */
export function supabaseOrigins(supabaseUrl: string | undefined): string[] {
  if (!supabaseUrl) return [];
  let url: URL;
  try {
    url = new URL(supabaseUrl);
  } catch {
    return [];
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return [];
  const socket = `${url.protocol === "https:" ? "wss:" : "ws:"}//${url.host}`;
  return [url.origin, socket];
}

export function buildContentSecurityPolicy({ nonce, supabaseUrl, dev, https }: CspOptions): string {
  const directives: [string, ...string[]][] = [
    ["default-src", "'self'"],
    ["script-src", "'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(dev ? ["'unsafe-eval'"] : [])],
    // Server-rendered style attributes (charts) cannot carry a nonce.
    ["style-src", "'self'", "'unsafe-inline'"],
    ["img-src", "'self'", "blob:", "data:"],
    ["font-src", "'self'"],
    ["connect-src", "'self'", ...supabaseOrigins(supabaseUrl)],
    ["frame-ancestors", "'none'"],
    ["form-action", "'self'"],
    ["base-uri", "'self'"],
    ["object-src", "'none'"],
  ];
  if (https) directives.push(["upgrade-insecure-requests"]);
  return directives.map((directive) => directive.join(" ")).join("; ");
}

export type SecurityHeaders = Record<string, string> & { [CSP_HEADER]: string };

/** Every security header a rendered page sends. */
export function securityHeaders(options: CspOptions): SecurityHeaders {
  return {
    [CSP_HEADER]: buildContentSecurityPolicy(options),
    ...STATIC_SECURITY_HEADERS,
    ...(options.https ? { "Strict-Transport-Security": HSTS_VALUE } : {}),
  };
}
