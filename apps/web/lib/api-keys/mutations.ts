import type { SupabaseClient } from "@supabase/supabase-js";

import { AppError } from "@/lib/errors";
import type { Database } from "@/lib/supabase/database.types";
import { databaseError } from "@/lib/supabase/errors";

import { generateApiKey } from "./keys";

type Client = SupabaseClient<Database>;

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
  if (error)
    throw databaseError(error, "Could not create the API key", {
      forbidden: "Only owners and admins can create API keys.",
    });
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
  if (error) throw databaseError(error, "Could not revoke the API key");
  if (data.length === 0) throw new AppError("not_found", "API key not found, or already revoked.");
}
