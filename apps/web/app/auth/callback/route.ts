import { redirect } from "next/navigation";
import type { NextRequest } from "next/server";

import { linkFailurePath, linkNext } from "@/lib/auth/links";
import { createServerSupabaseClient } from "@/lib/supabase/server";

/**
 * The PKCE code exchange for links that went through the auth server's /verify (Supabase's default
 * email templates): `?code=` becomes a session cookie, with the code verifier this browser kept when
 * it asked for the email.
 */
export async function GET(request: NextRequest) {
  const params = request.nextUrl.searchParams;
  const next = linkNext(params.get("next"), request.nextUrl.origin);
  const code = params.get("code") ?? "";
  if (!/^[0-9a-f-]{36}$/i.test(code)) redirect(linkFailurePath(null, next));

  const supabase = await createServerSupabaseClient();
  const { error } = await supabase.auth.exchangeCodeForSession(code);
  if (error) redirect(linkFailurePath(null, next));
  redirect(next);
}
