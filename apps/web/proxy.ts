import { type NextRequest, NextResponse } from "next/server";

import { PATHNAME_HEADER } from "@/lib/auth/schemas";
import { defaultLocale, isLocale } from "@/lib/i18n/config";
import { updateSession } from "@/lib/supabase/proxy";

export async function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  const firstSegment = pathname.split("/")[1] ?? "";

  if (!pathname.startsWith("/api/") && !isLocale(firstSegment)) {
    const url = request.nextUrl.clone();
    url.pathname = `/${defaultLocale}${pathname === "/" ? "" : pathname}`;
    return NextResponse.redirect(url);
  }

  // Lets server components send a signed-out visitor back where they were going after sign-in.
  request.headers.set(PATHNAME_HEADER, `${pathname}${request.nextUrl.search}`);
  return updateSession(request);
}

export const config = {
  // Everything but Next.js internals (assets, dev HMR), static files and the machine routes, which authenticate with API keys or the
  // cron secret and have no cookie session to refresh.
  matcher: ["/((?!_next/|favicon.ico|api/v1/|api/cron/|.*\\.(?:svg|png|jpg|jpeg|gif|webp|ico|txt)$).*)"],
};
