"use server";

import { redirect } from "next/navigation";
import { z } from "zod";

import { publicAction } from "@/lib/actions/form-action";
import { safeNextPath, signInSchema, signUpSchema } from "@/lib/auth/schemas";
import { locales } from "@/lib/i18n/config";
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
