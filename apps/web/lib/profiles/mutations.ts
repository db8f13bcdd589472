import type { ServerSupabaseClient } from "@/lib/supabase/server";

import { databaseError } from "@/lib/supabase/errors";

/** Saves the caller's display name; RLS and the column grant let a user change only their own. */
export async function updateOwnProfile(supabase: ServerSupabaseClient, userId: string, displayName: string) {
  const { data, error } = await supabase
    .from("profiles")
    .update({ display_name: displayName })
    .eq("id", userId)
    .select("id");
  if (error) throw databaseError(error, "Could not save your profile");
  if (data.length === 0) throw new Error("Your profile is missing.");
}
