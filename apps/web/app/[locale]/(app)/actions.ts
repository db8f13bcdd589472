"use server";

import { revalidatePath } from "next/cache";

import { authedAction } from "@/lib/actions/form-action";
import { requestEmailChange } from "@/lib/auth/mutations";
import { changeEmailSchema, profileSchema } from "@/lib/auth/schemas";
import { linkTarget } from "@/lib/auth/urls";
import { getDictionary } from "@/lib/i18n/dictionaries";
import { interpolate } from "@/lib/i18n/format";
import { localeField } from "@/lib/i18n/schemas";
import { updateOwnProfile } from "@/lib/profiles/mutations";

export const updateProfileAction = authedAction(profileSchema.extend(localeField), async (input, ctx) => {
  await updateOwnProfile(ctx.supabase, ctx.user.id, input.displayName);
  revalidatePath("/[locale]", "layout");
  return { status: "success", message: getDictionary(input.locale).home.saved };
});

export const changeEmailAction = authedAction(changeEmailSchema.extend(localeField), async (input, ctx) => {
  const t = getDictionary(input.locale);
  const current = ctx.user.email ?? "";
  const outcome = await requestEmailChange(ctx.supabase, {
    email: input.email,
    currentEmail: current,
    redirectTo: await linkTarget(`/${input.locale}`),
  });
  switch (outcome.status) {
    case "sent":
      revalidatePath("/[locale]", "page");
      return { status: "success", message: interpolate(t.home.emailSent, { next: input.email, current }) };
    case "taken":
      return { status: "error", message: t.home.emailTaken, fieldErrors: { email: t.home.emailTaken } };
    case "same":
      return { status: "error", message: t.home.emailSame, fieldErrors: { email: t.home.emailSame } };
    case "too_many":
      return { status: "error", message: t.auth.tooManyEmails };
    default:
      return { status: "error", message: interpolate(t.auth.emailFailed, { message: outcome.message }) };
  }
});
