import type { SupabaseClient } from "@supabase/supabase-js";

import type { Database } from "@/lib/supabase/database.types";

type Client = SupabaseClient<Database>;

export async function listApiKeys(client: Client, orgId: string) {
  const { data, error } = await client
    .from("api_keys")
    .select("id, name, prefix, created_at, last_used_at, revoked_at, created_by")
    .eq("org_id", orgId)
    .order("created_at", { ascending: false });
  if (error) throw new Error(`Could not list API keys: ${error.message}`);
  return data;
}
