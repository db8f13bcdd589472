import type { EmailOtpType } from "@supabase/supabase-js";
import { redirect } from "next/navigation";
import type { NextRequest } from "next/server";

import { linkFailurePath, linkNext, withParam } from "@/lib/auth/links";
import { emailLinkTypeSchema } from "@/lib/auth/schemas";
import { createServerSupabaseClient } from "@/lib/supabase/server";
import { textProblem } from "@/lib/validation/text";

/**
 * Where the links in auth emails lead (see supabase/templates): verifies the token hash on the server
 * and sets the session cookie, so a link works in any browser, then goes on to `next`.
 */
export async function GET(request: NextRequest) {
  const params = request.nextUrl.searchParams;
  const next = linkNext(params.get("next"), request.nextUrl.origin);
  const type = emailLinkTypeSchema.safeParse(params.get("type"));
  const tokenHash = params.get("token_hash") ?? "";
  const linkType: EmailOtpType | null = type.success ? type.data : null;

  if (!linkType || !/^(pkce_)?[0-9a-f]{56}$/.test(tokenHash) || textProblem(tokenHash)) {
    redirect(linkFailurePath(linkType, next));
  }
  const supabase = await createServerSupabaseClient();
  const { data, error } = await supabase.auth.verifyOtp({ type: linkType, token_hash: tokenHash });
  if (error) redirect(linkFailurePath(linkType, next));

  if (linkType === "email_change") {
    // The first of the two links confirms one address and signs nobody in.
    redirect(withParam(next, "email", data.session ? "changed" : "half"));
  }
  redirect(next);
}
