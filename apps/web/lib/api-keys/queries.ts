import type { SupabaseClient } from "@supabase/supabase-js";

import { AppError } from "@/lib/errors";
import type { Database } from "@/lib/supabase/database.types";

import { generateApiKey } from "./keys";

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

/** Creates a key and returns its secret, which is never retrievable again. */
export async function createApiKey(client: Client, params: { orgId: string; userId: string; name: string }) {
  const key = generateApiKey();
  const { data, error } = await client
    .from("api_keys")
    .insert({
      org_id: params.orgId,
      created_by: params.userId,
      name: params.name,
      prefix: key.prefix,
      key_hash: key.hash,
    })
    .select("id, name, prefix")
    .single();
  if (error) {
    if (error.code === "42501")
      throw new AppError("forbidden", "Only owners and admins can create API keys.");
    throw new Error(`Could not create the API key: ${error.message}`);
  }
  return { ...data, secret: key.secret };
}

export async function revokeApiKey(client: Client, orgId: string, keyId: string) {
  const { data, error } = await client
    .from("api_keys")
    .update({ revoked_at: new Date().toISOString() })
    .eq("org_id", orgId)
    .eq("id", keyId)
    .is("revoked_at", null)
    .select("id");
  if (error) throw new Error(`Could not revoke the API key: ${error.message}`);
  if (data.length === 0) throw new AppError("not_found", "API key not found, or already revoked.");
}
