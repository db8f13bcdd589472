import "server-only";

import type { SupabaseClient } from "@supabase/supabase-js";

import type { Database } from "@/lib/supabase/database.types";

type Client = SupabaseClient<Database>;

/** Members with their profiles (teammates can read each other's profiles under RLS). */
export async function listMembers(client: Client, orgId: string) {
  const { data, error } = await client
    .from("memberships")
    .select("user_id, role, created_at")
    .eq("org_id", orgId)
    .order("created_at");
  if (error) throw new Error(`Could not list members: ${error.message}`);

  const ids = data.map((m) => m.user_id);
  const profiles = await client.from("profiles").select("id, email, display_name").in("id", ids);
  if (profiles.error) throw new Error(`Could not load member profiles: ${profiles.error.message}`);
  const byId = new Map(profiles.data.map((p) => [p.id, p]));
  return data.map((m) => ({
    ...m,
    email: byId.get(m.user_id)?.email ?? "",
    displayName: byId.get(m.user_id)?.display_name ?? null,
  }));
}

export async function listPlans(client: Client) {
  const { data, error } = await client
    .from("plans")
    .select("id, name, price_cents, limits")
    .order("sort_order");
  if (error) throw new Error(`Could not list plans: ${error.message}`);
  return data;
}

export async function getSubscription(client: Client, orgId: string) {
  const { data, error } = await client
    .from("org_subscriptions")
    .select("plan_id, status, current_period_start, current_period_end, updated_at")
    .eq("org_id", orgId)
    .maybeSingle();
  if (error) throw new Error(`Could not load the subscription: ${error.message}`);
  return data;
}
