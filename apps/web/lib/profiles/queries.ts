import type { ServerSupabaseClient } from "@/lib/supabase/server";

/** The caller's profile; RLS lets a user read only their own row. */
export async function getOwnProfile(supabase: ServerSupabaseClient, userId: string) {
  const { data, error } = await supabase
    .from("profiles")
    .select("id, email, display_name, created_at")
    .eq("id", userId)
    .maybeSingle();
  if (error) throw new Error(`Could not load your profile: ${error.message}`);
  return data;
}
