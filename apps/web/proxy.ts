import { type NextRequest, NextResponse } from "next/server";

import { PATHNAME_HEADER } from "@/lib/auth/schemas";
import { defaultLocale, isLocale } from "@/lib/i18n/config";
import {
  CSP_HEADER,
  createNonce,
  isHttpsRequest,
  NONCE_HEADER,
  securityHeaders,
} from "@/lib/security/headers";
import { updateSession } from "@/lib/supabase/proxy";

export async function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  const firstSegment = pathname.split("/")[1] ?? "";
  const nonce = createNonce();
  const headers = securityHeaders({
    nonce,
    supabaseUrl: process.env.NEXT_PUBLIC_SUPABASE_URL,
    dev: process.env.NODE_ENV === "development",
    https: isHttpsRequest(request.nextUrl.protocol, request.headers.get("x-forwarded-proto")),
  });

  // /auth/confirm and /auth/callback (where links in auth emails lead) carry no locale of their own.
  if (!pathname.startsWith("/api/") && !pathname.startsWith("/auth/") && !isLocale(firstSegment)) {
    const url = request.nextUrl.clone();
    url.pathname = `/${defaultLocale}${pathname === "/" ? "" : pathname}`;
    return withHeaders(NextResponse.redirect(url), headers);
  }

  // Next.js reads the nonce from the request's CSP header and puts it on its own scripts. These
  // request headers travel with every NextResponse.next({ request }) updateSession builds.
  request.headers.set(CSP_HEADER, headers[CSP_HEADER]);
  request.headers.set(NONCE_HEADER, nonce);
  // Lets server components send a signed-out visitor back where they were going after sign-in.
  request.headers.set(PATHNAME_HEADER, `${pathname}${request.nextUrl.search}`);
  return withHeaders(await updateSession(request), headers);
}

function withHeaders(response: NextResponse, headers: Record<string, string>): NextResponse {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  // Everything but Next.js internals (assets, dev HMR), static files and the machine routes, which authenticate with API keys or the
  // cron secret and have no cookie session to refresh (next.config.ts gives those their static security headers).
  matcher: ["/((?!_next/|favicon.ico|api/v1/|api/cron/|.*\\.(?:svg|png|jpg|jpeg|gif|webp|ico|txt)$).*)"],
};
