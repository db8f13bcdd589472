import { createServerClient } from "@supabase/ssr";
import { type NextRequest, NextResponse } from "next/server";

import { publicEnv } from "@/lib/env";

import type { Database } from "./database.types";

/**
 * Refreshes the cookie session on every request (Supabase's SSR contract): reads the auth cookies
 * from the request, lets auth-js rotate an expired access token, and writes the new cookies to
 * both the forwarded request (so server components see them) and the response (so the browser
 * keeps them).
 */
export async function updateSession(request: NextRequest): Promise<NextResponse> {
  const env = publicEnv();
  let response = NextResponse.next({ request });

  const supabase = createServerClient<Database>(
    env.NEXT_PUBLIC_SUPABASE_URL,
    env.NEXT_PUBLIC_SUPABASE_ANON_KEY,
    {
      cookies: {
        getAll() {
          return request.cookies.getAll();
        },
        setAll(cookiesToSet) {
          for (const { name, value } of cookiesToSet) request.cookies.set(name, value);
          response = NextResponse.next({ request });
          for (const { name, value, options } of cookiesToSet) response.cookies.set(name, value, options);
        },
      },
    },
  );

  // getUser() asks the auth server, so an expired access token is refreshed here and a revoked
  // session is noticed before any page renders.
  await supabase.auth.getUser();
  return response;
}
