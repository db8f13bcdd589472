import "server-only";

import type { OrgRole } from "@/lib/auth/server";
import { AppError } from "@/lib/errors";
import { createAdminSupabaseClient } from "@/lib/supabase/admin";
import { databaseError, type DatabaseError } from "@/lib/supabase/errors";

/** The RPCs re-check the rules and say why in words written for people. */
function rpcError(error: DatabaseError, what: string): Error {
  // An organization always keeps an owner: a conflict with its current state, not bad input.
  if (error.code === "23514") return new AppError("conflict", error.message);
  return databaseError(error, what, { conflict: "That person is already a member." });
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
  if (error) throw rpcError(error, "Could not create the organization");
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
  if (error) throw rpcError(error, "Could not change the membership");
}

export async function changePlan(params: { orgId: string; planId: string; actor: string }) {
  const { error } = await createAdminSupabaseClient().rpc("change_org_plan", {
    p_org_id: params.orgId,
    p_plan_id: params.planId,
    p_actor: params.actor,
  });
  if (error) throw rpcError(error, "Could not change the plan");
}
