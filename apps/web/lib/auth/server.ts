import "server-only";

import type { User } from "@supabase/supabase-js";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";

import { PATHNAME_HEADER } from "@/lib/auth/schemas";
import { AppError } from "@/lib/errors";
import { defaultLocale, type Locale } from "@/lib/i18n/config";
import type { Database } from "@/lib/supabase/database.types";
import { createServerSupabaseClient, type ServerSupabaseClient } from "@/lib/supabase/server";

export type OrgRole = Database["public"]["Enums"]["org_role"];

export interface AuthContext {
  user: User;
  supabase: ServerSupabaseClient;
}

export interface OrgContext extends AuthContext {
  orgId: string;
  role: OrgRole;
}

/** The signed-in user, or null. Asks the auth server once per request (deduplicated by React). */
export const getCurrentUser = cache(async (): Promise<AuthContext | null> => {
  const supabase = await createServerSupabaseClient();
  const { data, error } = await supabase.auth.getUser();
  if (error || !data.user) return null;
  return { user: data.user, supabase };
});

/**
 * The signed-in user and a client bound to their session. Signed-out visitors are sent to the
 * sign-in page, with `next` set so they come back where they were going.
 */
export async function requireAuth(options: { locale?: Locale; next?: string } = {}): Promise<AuthContext> {
  const ctx = await getCurrentUser();
  if (!ctx) {
    const locale = options.locale ?? defaultLocale;
    const target = options.next ?? (await headers()).get(PATHNAME_HEADER);
    const next = target ? `?next=${encodeURIComponent(target)}` : "";
    redirect(`/${locale}/sign-in${next}`);
  }
  return ctx;
}

/** The caller's role in an organization (null when not a member), read under RLS. */
export async function getOrgRole(ctx: AuthContext, orgId: string): Promise<OrgRole | null> {
  const { data, error } = await ctx.supabase
    .from("memberships")
    .select("role")
    .eq("org_id", orgId)
    .eq("user_id", ctx.user.id)
    .maybeSingle();
  if (error) throw new Error(`Could not read your membership: ${error.message}`);
  return data?.role ?? null;
}

/**
 * Requires the signed-in user to hold one of `roles` in the organization. Throws an AppError a
 * server action or route turns into a clear message; non-members learn nothing about the org.
 */
export async function requireOrgRole(orgId: string, roles: readonly OrgRole[]): Promise<OrgContext> {
  const ctx = await requireAuth();
  const role = await getOrgRole(ctx, orgId);
  if (!role) throw new AppError("not_found", "Organization not found, or you are not a member of it.");
  if (!roles.includes(role)) {
    throw new AppError(
      "forbidden",
      `This needs the ${roles.join(" or ")} role; you are ${article(role)} ${role}.`,
    );
  }
  return { ...ctx, orgId, role };
}

/** Platform admins carry `platform_admin: true` in app_metadata, which only the service role can set. */
export function isPlatformAdmin(user: User): boolean {
  return user.app_metadata?.platform_admin === true;
}

/** For admin-only pages: signed-out visitors sign in; everyone else gets a 404. */
export async function requireAdmin(options: { locale?: Locale; next?: string } = {}): Promise<AuthContext> {
  const ctx = await requireAuth(options);
  if (!isPlatformAdmin(ctx.user)) notFound();
  return ctx;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? "an" : "a";
}
