import "server-only";

import type { SupabaseClient } from "@supabase/supabase-js";

import type { Database } from "@/lib/supabase/database.types";

type Client = SupabaseClient<Database>;

/** An organization's pending invitations, newest first, each marked if expired (owners and admins only, by RLS). */
export async function listPendingInvitations(client: Client, orgId: string) {
  const { data, error } = await client
    .from("invitations")
    .select("id, email, role, created_at, last_sent_at, send_count, expires_at")
    .eq("org_id", orgId)
    .eq("status", "pending")
    .order("created_at", { ascending: false });
  if (error) throw new Error(`Could not list invitations: ${error.message}`);
  const now = Date.now();
  return data.map((invitation) => ({
    ...invitation,
    expired: new Date(invitation.expires_at).getTime() <= now,
  }));
}

/** Unexpired invitations addressed to `email` (the caller's confirmed address), with the inviting organization. */
export async function listInvitationsFor(client: Client, email: string) {
  const { data, error } = await client
    .from("invitations")
    .select("id, role, expires_at, created_at, organizations(id, name)")
    .eq("email", email.toLowerCase())
    .eq("status", "pending")
    .gt("expires_at", new Date().toISOString())
    .order("created_at", { ascending: false });
  if (error) throw new Error(`Could not list your invitations: ${error.message}`);
  return data;
}

/** One invitation addressed to the caller, or null (someone else's looks the same as none). */
export async function getInvitationFor(client: Client, email: string, invitationId: string) {
  const invitations = await listInvitationsFor(client, email);
  return invitations.find((invitation) => invitation.id === invitationId) ?? null;
}
