import "server-only";

import type { OrgRole } from "@/lib/auth/server";
import { AppError } from "@/lib/errors";
import { createAdminSupabaseClient } from "@/lib/supabase/admin";
import { databaseError, type DatabaseError } from "@/lib/supabase/errors";

/** The RPCs re-check the rules and say why in words written for people. */
function rpcError(error: DatabaseError, what: string): Error {
  if (error.code === "PT429") return new AppError("rate_limited", error.message);
  // Already answered or expired: a conflict with the invitation's state, not bad input.
  if (error.code === "23514") return new AppError("conflict", error.message);
  return databaseError(error, what, { conflict: error.message, notFound: "Invitation not found." });
}

export type InvitationEmail = "invitation" | "sign-in link";

/**
 * Emails an invitation. Someone without an account gets the auth server's invitation (they choose a
 * password on `newUserPath`); someone with one gets a sign-in link to `existingUserPath`, where they
 * accept. Throws when no email could be sent.
 */
async function sendInvitationEmail(params: {
  email: string;
  newUserUrl: string;
  existingUserUrl: string;
  orgName: string;
}): Promise<InvitationEmail> {
  const auth = createAdminSupabaseClient().auth;
  const invited = await auth.admin.inviteUserByEmail(params.email, {
    redirectTo: params.newUserUrl,
    data: { invited_to: params.orgName },
  });
  if (!invited.error) return "invitation";
  if (invited.error.code !== "email_exists") {
    throw invitationSendError(invited.error.code, invited.error.message);
  }
  const link = await auth.signInWithOtp({
    email: params.email,
    options: { shouldCreateUser: false, emailRedirectTo: params.existingUserUrl },
  });
  if (link.error) throw invitationSendError(link.error.code, link.error.message);
  return "sign-in link";
}

function invitationSendError(code: string | undefined, message: string): AppError {
  if (code === "over_email_send_rate_limit") {
    return new AppError("rate_limited", `The invitation email could not be sent yet: ${message}`);
  }
  return new AppError("bad_request", `The invitation email could not be sent: ${message}`);
}

export interface InvitationLinks {
  /** Where an invitee without an account chooses a password; gets `?invitation=<id>`. */
  newUserPath: string;
  /** Where an invitee with an account lands to accept. */
  existingUserPath: string;
  origin: string;
}

function urls(links: InvitationLinks, invitationId: string) {
  return {
    newUserUrl: `${links.origin}${links.newUserPath}?invitation=${invitationId}`,
    existingUserUrl: `${links.origin}${links.existingUserPath}`,
  };
}

/**
 * Records an invitation and emails it. If the email cannot go out, the invitation is revoked again,
 * so no invitation exists that nobody was told about.
 */
export async function createInvitation(params: {
  orgId: string;
  orgName: string;
  email: string;
  role: OrgRole;
  actor: string;
  links: InvitationLinks;
}): Promise<{ id: string; sent: InvitationEmail }> {
  const admin = createAdminSupabaseClient();
  const { data: id, error } = await admin.rpc("create_invitation", {
    p_org_id: params.orgId,
    p_email: params.email,
    p_role: params.role,
    p_actor: params.actor,
  });
  if (error) throw rpcError(error, "Could not create the invitation");
  try {
    const sent = await sendInvitationEmail({
      email: params.email,
      orgName: params.orgName,
      ...urls(params.links, id),
    });
    return { id, sent };
  } catch (sendError) {
    const undone = await admin.rpc("revoke_invitation", {
      p_invitation_id: id,
      p_org_id: params.orgId,
      p_actor: params.actor,
    });
    if (undone.error)
      console.error("[invitations] could not revoke an unsent invitation:", undone.error.message);
    throw sendError;
  }
}

/** Sends a pending invitation's email again (at most once a minute) and gives it 7 more days. */
export async function resendInvitation(params: {
  orgId: string;
  orgName: string;
  invitationId: string;
  actor: string;
  links: InvitationLinks;
}): Promise<{ email: string; sent: InvitationEmail }> {
  const admin = createAdminSupabaseClient();
  const { data: invitation, error: readError } = await admin
    .from("invitations")
    .select("email")
    .eq("id", params.invitationId)
    .eq("org_id", params.orgId)
    .maybeSingle();
  if (readError) throw databaseError(readError, "Could not read the invitation");
  if (!invitation) throw new AppError("not_found", "Invitation not found.");
  const { error } = await admin.rpc("resend_invitation", {
    p_invitation_id: params.invitationId,
    p_org_id: params.orgId,
    p_actor: params.actor,
  });
  if (error) throw rpcError(error, "Could not resend the invitation");
  const sent = await sendInvitationEmail({
    email: invitation.email,
    orgName: params.orgName,
    ...urls(params.links, params.invitationId),
  });
  return { email: invitation.email, sent };
}

export async function revokeInvitation(params: { orgId: string; invitationId: string; actor: string }) {
  const { error } = await createAdminSupabaseClient().rpc("revoke_invitation", {
    p_invitation_id: params.invitationId,
    p_org_id: params.orgId,
    p_actor: params.actor,
  });
  if (error) throw rpcError(error, "Could not revoke the invitation");
}

/** Accepts or declines an invitation addressed to `user`'s confirmed email; returns its organization. */
export async function respondToInvitation(params: { invitationId: string; user: string; accept: boolean }) {
  const { data, error } = await createAdminSupabaseClient().rpc("respond_to_invitation", {
    p_invitation_id: params.invitationId,
    p_user: params.user,
    p_accept: params.accept,
  });
  if (error) throw rpcError(error, "Could not answer the invitation");
  return data;
}
