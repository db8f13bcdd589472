"use server";

import { redirect } from "next/navigation";
import { z } from "zod";

import { unsafeFormInput } from "@/lib/actions/form-action";
import { safeNextPath, signInSchema, signUpSchema } from "@/lib/auth/schemas";
import { formErrorFromZod, type FormState } from "@/lib/forms";
import { locales } from "@/lib/i18n/config";
import { createServerSupabaseClient } from "@/lib/supabase/server";

const localeSchema = z.enum(locales);

function field(formData: FormData, name: string): string | undefined {
  const value = formData.get(name);
  return typeof value === "string" ? value : undefined;
}

export async function signInAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const locale = localeSchema.catch("en").parse(field(formData, "locale"));
  const unsafe = unsafeFormInput(formData);
  if (unsafe) return unsafe;
  const parsed = signInSchema.safeParse({
    email: field(formData, "email"),
    password: field(formData, "password"),
    next: field(formData, "next") || undefined,
  });
  if (!parsed.success) return formErrorFromZod(parsed.error);

  const supabase = await createServerSupabaseClient();
  const { error } = await supabase.auth.signInWithPassword({
    email: parsed.data.email,
    password: parsed.data.password,
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

  redirect(safeNextPath(parsed.data.next, `/${locale}`));
}

export async function signUpAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const locale = localeSchema.catch("en").parse(field(formData, "locale"));
  const unsafe = unsafeFormInput(formData);
  if (unsafe) return unsafe;
  const parsed = signUpSchema.safeParse({
    email: field(formData, "email"),
    password: field(formData, "password"),
    displayName: field(formData, "displayName") || undefined,
  });
  if (!parsed.success) return formErrorFromZod(parsed.error);

  const supabase = await createServerSupabaseClient();
  const { data, error } = await supabase.auth.signUp({
    email: parsed.data.email,
    password: parsed.data.password,
    options: { data: parsed.data.displayName ? { display_name: parsed.data.displayName } : {} },
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

  redirect(`/${locale}`);
}

export async function signOutAction(formData: FormData): Promise<void> {
  const locale = localeSchema.catch("en").parse(field(formData, "locale"));
  const supabase = await createServerSupabaseClient();
  const { error } = await supabase.auth.signOut();
  // auth-js clears the cookie session even when the server call fails; the user is signed out here
  // either way, so the failure is only worth a log line.
  if (error) console.error("[auth] sign-out did not reach the auth server:", error.message);
  redirect(`/${locale}/sign-in`);
}
