import "server-only";

import type { SupabaseClient } from "@supabase/supabase-js";

import type { OrgRole } from "@/lib/auth/server";
import { AppError } from "@/lib/errors";
import { createAdminSupabaseClient } from "@/lib/supabase/admin";
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

/** Maps the RPCs' SQLSTATEs to user-facing errors; their messages are written for people. */
function rpcError(error: { code: string; message: string }): AppError | Error {
  if (error.code === "42501") return new AppError("forbidden", error.message);
  if (error.code === "23514") return new AppError("conflict", error.message);
  if (error.code === "P0002") return new AppError("not_found", error.message);
  if (error.code === "22023") return new AppError("bad_request", error.message);
  if (error.code === "23505") return new AppError("conflict", "That person is already a member.");
  return new Error(error.message);
}

/**
 * Membership and plan writes go through service-role RPCs that re-check the rules in one
 * transaction (see the tenancy migration); `actor` is the signed-in user the app authenticated.
 */
export async function createOrganization(params: { name: string; actor: string }) {
  const { data, error } = await createAdminSupabaseClient().rpc("create_organization", {
    p_name: params.name,
    p_owner: params.actor,
  });
  if (error) throw rpcError(error);
  return data;
}

export async function setMembership(params: {
  orgId: string;
  userId: string;
  role: OrgRole | null;
  actor: string;
}) {
  const { error } = await createAdminSupabaseClient().rpc("set_membership", {
    p_org_id: params.orgId,
    p_user_id: params.userId,
    // The generated type marks the argument non-null; null means "remove".
    p_role: params.role as OrgRole,
    p_actor: params.actor,
  });
  if (error) throw rpcError(error);
}

export async function findUserIdByEmail(email: string): Promise<string | null> {
  const { data, error } = await createAdminSupabaseClient()
    .from("profiles")
    .select("id")
    .eq("email", email.toLowerCase())
    .maybeSingle();
  if (error) throw new Error(`Could not look the user up: ${error.message}`);
  return data?.id ?? null;
}

export async function changePlan(params: { orgId: string; planId: string; actor: string }) {
  const { error } = await createAdminSupabaseClient().rpc("change_org_plan", {
    p_org_id: params.orgId,
    p_plan_id: params.planId,
    p_actor: params.actor,
  });
  if (error) throw rpcError(error);
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
