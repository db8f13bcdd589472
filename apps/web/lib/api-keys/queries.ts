import type { SupabaseClient } from "@supabase/supabase-js";

import { AppError } from "@/lib/errors";
import type { Database } from "@/lib/supabase/database.types";

import { generateApiKey, hashApiKey } from "./keys";

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

export interface ApiKeyPrincipal {
  keyId: string;
  orgId: string;
  /** The key's creator: API usage is attributed to them. */
  userId: string;
  revoked: boolean;
}

/** Resolves a presented secret (service role): null when unknown; revoked keys say so. */
export async function findApiKey(admin: Client, secret: string): Promise<ApiKeyPrincipal | null> {
  const { data, error } = await admin
    .from("api_keys")
    .select("id, org_id, created_by, revoked_at, last_used_at")
    .eq("key_hash", hashApiKey(secret))
    .maybeSingle();
  if (error) throw new Error(`Could not check the API key: ${error.message}`);
  if (!data) return null;
  if (data.revoked_at) return { keyId: data.id, orgId: data.org_id, userId: data.created_by, revoked: true };

  // last_used_at is informational: refresh it at most once a minute, and never fail the call over it.
  const stale = !data.last_used_at || Date.now() - Date.parse(data.last_used_at) > 60_000;
  if (stale) {
    const { error: touchError } = await admin
      .from("api_keys")
      .update({ last_used_at: new Date().toISOString() })
      .eq("id", data.id);
    if (touchError) console.error("[api-keys] could not record last use", touchError.message);
  }
  return { keyId: data.id, orgId: data.org_id, userId: data.created_by, revoked: false };
}
