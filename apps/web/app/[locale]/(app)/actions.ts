"use server";

import { revalidatePath } from "next/cache";

import { requireAuth } from "@/lib/auth/server";
import { profileSchema } from "@/lib/auth/schemas";
import { formErrorFromZod, type FormState } from "@/lib/forms";

export async function updateProfileAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const { user, supabase } = await requireAuth();
  const parsed = profileSchema.safeParse({ displayName: formData.get("displayName") });
  if (!parsed.success) return formErrorFromZod(parsed.error);

  const { error } = await supabase
    .from("profiles")
    .update({ display_name: parsed.data.displayName })
    .eq("id", user.id);
  if (error) return { status: "error", message: `Could not save your profile: ${error.message}` };

  revalidatePath("/[locale]", "layout");
  return { status: "success", message: "Profile saved." };
}
