import "server-only";

import { cookies } from "next/headers";
import { cache } from "react";

import type { AuthContext, OrgRole } from "@/lib/auth/server";

/** The cookie that remembers the organization a user last switched to. */
export const CURRENT_ORG_COOKIE = "meterline-org";

export interface OrgSummary {
  id: string;
  name: string;
  role: OrgRole;
  isPersonal: boolean;
  planId: string | null;
}

/** Every organization the user belongs to, personal first, then by name. */
export const listMyOrganizations = cache(async (ctx: AuthContext): Promise<OrgSummary[]> => {
  const { data, error } = await ctx.supabase
    .from("memberships")
    .select("role, organizations!inner(id, name, is_personal, org_subscriptions(plan_id))")
    .eq("user_id", ctx.user.id);
  if (error) throw new Error(`Could not list your organizations: ${error.message}`);

  return data
    .map((row) => ({
      id: row.organizations.id,
      name: row.organizations.name,
      role: row.role,
      isPersonal: row.organizations.is_personal,
      planId: row.organizations.org_subscriptions?.plan_id ?? null,
    }))
    .sort((a, b) => Number(b.isPersonal) - Number(a.isPersonal) || a.name.localeCompare(b.name));
});

/**
 * The organization the user is working in: the one asked for (when they belong to it), else the
 * one remembered in the cookie, else their first team organization (where the shared work and its
 * usage are), else their personal one.
 */
export async function getCurrentOrg(ctx: AuthContext, requestedId?: string | null) {
  const orgs = await listMyOrganizations(ctx);
  const remembered = (await cookies()).get(CURRENT_ORG_COOKIE)?.value;
  const current =
    orgs.find((org) => org.id === requestedId) ??
    orgs.find((org) => org.id === remembered) ??
    orgs.find((org) => !org.isPersonal) ??
    orgs[0] ??
    null;
  return { orgs, current };
}

/** Remembers the organization the user chose (for a year; membership is re-checked on every read). */
export async function rememberCurrentOrg(orgId: string) {
  (await cookies()).set(CURRENT_ORG_COOKIE, orgId, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: process.env.NODE_ENV === "production" && !process.env.APP_URL?.startsWith("http://"),
    maxAge: 60 * 60 * 24 * 365,
  });
}
