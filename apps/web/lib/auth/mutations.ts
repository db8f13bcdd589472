import "server-only";

import type { AuthError } from "@supabase/supabase-js";

import type { ServerSupabaseClient } from "@/lib/supabase/server";

/**
 * What became of a request for an auth email. `sent` also covers "no such account" and "asked
 * again too soon": the page says the same in all three cases, so it never tells whether an address
 * has an account (as the auth server does). `too_many` is the project-wide hourly limit.
 */
export type EmailRequestOutcome =
  { status: "sent" } | { status: "too_many" } | { status: "failed"; message: string };

function emailOutcome(error: AuthError | null): EmailRequestOutcome {
  if (!error) return { status: "sent" };
  // Per address (max_frequency): an email went out moments ago, which is what the person wants.
  if (error.code === "over_email_send_rate_limit" && /only request this after/.test(error.message)) {
    return { status: "sent" };
  }
  if (error.code === "over_email_send_rate_limit") return { status: "too_many" };
  // An address without an account, when sign-ups by link are off.
  if (error.code === "otp_disabled" || error.code === "signup_disabled") return { status: "sent" };
  return { status: "failed", message: error.message };
}

/** Emails a password reset link leading to `redirectTo` (via /auth/confirm). */
export async function requestPasswordReset(
  supabase: ServerSupabaseClient,
  params: { email: string; redirectTo: string },
): Promise<EmailRequestOutcome> {
  const { error } = await supabase.auth.resetPasswordForEmail(params.email, {
    redirectTo: params.redirectTo,
  });
  return emailOutcome(error);
}

/** Emails a sign-in link to an existing account; nobody is signed up this way. */
export async function requestSignInLink(
  supabase: ServerSupabaseClient,
  params: { email: string; redirectTo: string },
): Promise<EmailRequestOutcome> {
  const { error } = await supabase.auth.signInWithOtp({
    email: params.email,
    options: { shouldCreateUser: false, emailRedirectTo: params.redirectTo },
  });
  return emailOutcome(error);
}

export type PasswordChangeOutcome = { status: "changed" } | { status: "same" } | { status: "weak" };

/** Sets the signed-in user's password; the auth server signs out their other sessions. */
export async function changePassword(
  supabase: ServerSupabaseClient,
  password: string,
): Promise<PasswordChangeOutcome> {
  const { error } = await supabase.auth.updateUser({ password });
  if (!error) return { status: "changed" };
  if (error.code === "same_password") return { status: "same" };
  if (error.code === "weak_password") return { status: "weak" };
  throw new Error(`Could not change the password: ${error.message}`);
}

export type EmailChangeOutcome =
  | { status: "sent"; secure: boolean }
  | { status: "taken" }
  | { status: "same" }
  | Exclude<EmailRequestOutcome, { status: "sent" }>;

/** Asks for a new address; it takes effect once the emailed links are followed. */
export async function requestEmailChange(
  supabase: ServerSupabaseClient,
  params: { email: string; currentEmail: string; redirectTo: string },
): Promise<EmailChangeOutcome> {
  if (params.email === params.currentEmail.toLowerCase()) return { status: "same" };
  const { data, error } = await supabase.auth.updateUser(
    { email: params.email },
    { emailRedirectTo: params.redirectTo },
  );
  if (error?.code === "email_exists") return { status: "taken" };
  if (error) {
    const outcome = emailOutcome(error);
    if (outcome.status === "sent") return { status: "sent", secure: true };
    return outcome;
  }
  return { status: "sent", secure: data.user.new_email === params.email };
}
