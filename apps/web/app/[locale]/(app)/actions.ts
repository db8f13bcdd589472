"use server";

import { revalidatePath } from "next/cache";

import { authedAction } from "@/lib/actions/form-action";
import { profileSchema } from "@/lib/auth/schemas";
import { updateOwnProfile } from "@/lib/profiles/mutations";

export const updateProfileAction = authedAction(profileSchema, async (input, ctx) => {
  await updateOwnProfile(ctx.supabase, ctx.user.id, input.displayName);
  revalidatePath("/[locale]", "layout");
  return { status: "success", message: "Profile saved." };
});
