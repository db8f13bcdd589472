"use server";

import { redirect } from "next/navigation";
import { z } from "zod";

import { authedAction, publicAction } from "@/lib/actions/form-action";
import {
  changePassword,
  requestPasswordReset,
  requestSignInLink,
  type EmailRequestOutcome,
} from "@/lib/auth/mutations";
import {
  emailLinkSchema,
  newPasswordFields,
  passwordsMatch,
  safeNextPath,
  signInSchema,
  signUpSchema,
  welcomeFields,
} from "@/lib/auth/schemas";
import { linkTarget } from "@/lib/auth/urls";
import { AppError } from "@/lib/errors";
import type { FormState } from "@/lib/forms";
import { locales, type Locale } from "@/lib/i18n/config";
import { getDictionary } from "@/lib/i18n/dictionaries";
import { interpolate } from "@/lib/i18n/format";
import { localeField } from "@/lib/i18n/schemas";
import { respondToInvitation } from "@/lib/invitations/mutations";
import { rememberCurrentOrg } from "@/lib/orgs/current";
import { updateOwnProfile } from "@/lib/profiles/mutations";
import { createServerSupabaseClient } from "@/lib/supabase/server";

const localeSchema = z.enum(locales);
const withLocale = { locale: localeSchema.catch("en") };
// An empty optional field is absent.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

export const signInAction = publicAction(
  signInSchema.extend({ ...withLocale, next: optional(z.string()) }),
  async (input) => {
    const supabase = await createServerSupabaseClient();
    const { error } = await supabase.auth.signInWithPassword({
      email: input.email,
      password: input.password,
    });
    if (error) {
      const message =
        error.code === "invalid_credentials"
          ? "Wrong email or password."
          : error.code === "email_not_confirmed"
            ? "Confirm your email address first: follow the link we sent you."
            : `Could not sign in: ${error.message}`;
      return { status: "error", message };
    }
    redirect(safeNextPath(input.next, `/${input.locale}`));
  },
);

export const signUpAction = publicAction(
  signUpSchema.extend({ ...withLocale, displayName: optional(signUpSchema.shape.displayName) }),
  async (input) => {
    const supabase = await createServerSupabaseClient();
    const { data, error } = await supabase.auth.signUp({
      email: input.email,
      password: input.password,
      options: { data: input.displayName ? { display_name: input.displayName } : {} },
    });
    if (error) {
      const message =
        error.code === "user_already_exists"
          ? "An account with this email already exists. Sign in instead."
          : error.code === "weak_password"
            ? "Choose a stronger password."
            : `Could not create the account: ${error.message}`;
      return { status: "error", message };
    }
    // Projects that require email confirmation return no session until the link is followed.
    if (!data.session)
      return { status: "success", message: "Check your email to confirm your address, then sign in." };
    redirect(`/${input.locale}`);
  },
);

export async function signOutAction(formData: FormData): Promise<void> {
  const locale = localeSchema.catch("en").parse(formData.get("locale"));
  const supabase = await createServerSupabaseClient();
  const { error } = await supabase.auth.signOut();
  // auth-js clears the cookie session even when the server call fails; the user is signed out here
  // either way, so the failure is only worth a log line.
  if (error) console.error("[auth] sign-out did not reach the auth server:", error.message);
  redirect(`/${locale}/sign-in`);
}

/** The same words whether or not the address has an account: nothing here tells who signed up. */
function emailRequestState(
  outcome: EmailRequestOutcome,
  locale: Locale,
  sent: string,
  email: string,
): FormState {
  const t = getDictionary(locale).auth;
  if (outcome.status === "sent") return { status: "success", message: interpolate(sent, { email }) };
  if (outcome.status === "too_many") return { status: "error", message: t.tooManyEmails };
  return { status: "error", message: interpolate(t.emailFailed, { message: outcome.message }) };
}

export const forgotPasswordAction = publicAction(emailLinkSchema.extend(localeField), async (input) => {
  const supabase = await createServerSupabaseClient();
  const outcome = await requestPasswordReset(supabase, {
    email: input.email,
    redirectTo: await linkTarget(`/${input.locale}/reset-password`),
  });
  return emailRequestState(outcome, input.locale, getDictionary(input.locale).auth.forgot.sent, input.email);
});

export const magicLinkAction = publicAction(emailLinkSchema.extend(localeField), async (input) => {
  const supabase = await createServerSupabaseClient();
  const outcome = await requestSignInLink(supabase, {
    email: input.email,
    redirectTo: await linkTarget(`/${input.locale}`),
  });
  return emailRequestState(outcome, input.locale, getDictionary(input.locale).auth.magic.sent, input.email);
});

/** For the password a person sets themselves: the auth server's refusals in the page's words. */
async function setOwnPassword(locale: Locale, password: string): Promise<FormState | null> {
  const supabase = await createServerSupabaseClient();
  const outcome = await changePassword(supabase, password);
  const t = getDictionary(locale).auth.reset;
  if (outcome.status === "same")
    return { status: "error", message: t.same, fieldErrors: { password: t.same } };
  if (outcome.status === "weak")
    return { status: "error", message: t.weak, fieldErrors: { password: t.weak } };
  return null;
}

export const resetPasswordAction = authedAction(
  newPasswordFields.extend(localeField).refine(...passwordsMatch),
  async (input) => {
    const refused = await setOwnPassword(input.locale, input.password);
    if (refused) return refused;
    redirect(`/${input.locale}?password=changed`);
  },
);

/** An invitee's first visit: their password, their name, and joining the organization that invited them. */
export const welcomeAction = authedAction(
  welcomeFields.extend(localeField).refine(...passwordsMatch),
  async (input, ctx) => {
    const refused = await setOwnPassword(input.locale, input.password);
    if (refused) return refused;
    if (input.displayName) await updateOwnProfile(ctx.supabase, ctx.user.id, input.displayName);
    if (input.invitation) {
      try {
        const orgId = await respondToInvitation({
          invitationId: input.invitation,
          user: ctx.user.id,
          accept: true,
        });
        await rememberCurrentOrg(orgId);
      } catch (error) {
        // The password is set either way; an invitation revoked meanwhile is said on the next page.
        if (!(error instanceof AppError)) throw error;
        redirect(`/${input.locale}/invitations`);
      }
    }
    redirect(`/${input.locale}`);
  },
);
