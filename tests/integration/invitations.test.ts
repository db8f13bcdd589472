import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { inviteSchema } from "@/lib/invitations/schemas";
import {
  createInvitation,
  resendInvitation,
  respondToInvitation,
  revokeInvitation,
} from "@/lib/invitations/mutations";
import { AppError } from "@/lib/errors";

import {
  anonClient,
  confirmLink,
  createOrg,
  createTestUser,
  inbox,
  serviceClient,
  sql,
  type TestUser,
} from "../support/supabase";

const links = {
  origin: "http://127.0.0.1:3000",
  newUserPath: "/en/welcome",
  existingUserPath: "/en/invitations",
};

function newAddress(label: string): string {
  return `${label}-${randomUUID()}@test.example`;
}

async function appErrorOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

/** Follows the invitation email's link as the app's /auth/confirm does: a session for the invitee. */
async function acceptLinkAs(email: string) {
  const [message] = await inbox(email);
  if (!message) throw new Error(`no email to ${email}`);
  const { tokenHash, type } = confirmLink(message);
  const client = anonClient();
  const { data, error } = await client.auth.verifyOtp({ token_hash: tokenHash, type: type as "invite" });
  if (error || !data.user) throw error ?? new Error("no user");
  return { client, userId: data.user.id, message };
}

describe("invitations", () => {
  const db = sql();
  let owner: TestUser, adminUser: TestUser, member: TestUser, outsider: TestUser;
  let orgId: string, otherOrgId: string;

  beforeAll(async () => {
    [owner, adminUser, member, outsider] = await Promise.all([
      createTestUser({ displayName: "Olive Owner" }),
      createTestUser(),
      createTestUser(),
      createTestUser(),
    ]);
    orgId = await createOrg(owner, [
      [adminUser, "admin"],
      [member, "member"],
    ]);
    otherOrgId = await createOrg(outsider);
  });
  afterAll(() => db.end());

  it("invites someone new: the email's link signs them in, and accepting makes them a member with the role", async () => {
    const email = newAddress("newcomer");
    const { id, sent } = await createInvitation({
      orgId,
      orgName: "Acme",
      email,
      role: "admin",
      actor: adminUser.id,
      links,
    });
    expect(sent).toBe("invitation");
    const { client, userId, message } = await acceptLinkAs(email);
    expect(message.subject).toBe("You've been invited to Meterline");
    const target = confirmLink(message);
    expect(target.type).toBe("invite");
    expect(target.next).toBe(`http://127.0.0.1:3000/en/welcome?invitation=${id}`);

    // The invitee sees their invitation and the organization's name before joining, nothing else.
    const visible = await client
      .from("invitations")
      .select("id, organizations(name)")
      .eq("status", "pending");
    expect(visible.error).toBeNull();
    expect(visible.data).toEqual([{ id, organizations: { name: expect.any(String) } }]);
    const members = await client.from("memberships").select("user_id").eq("org_id", orgId);
    expect(members.data).toEqual([]);

    expect(await respondToInvitation({ invitationId: id, user: userId, accept: true })).toBe(orgId);
    const [row] =
      await db`select role from public.memberships where org_id = ${orgId} and user_id = ${userId}`;
    expect(row?.role).toBe("admin");

    // Answered once: a second answer is a conflict, not a second membership.
    const again = await appErrorOf(respondToInvitation({ invitationId: id, user: userId, accept: true }));
    expect(again.code).toBe("conflict");
  });

  it("sends someone with an account a sign-in link to the invitations page", async () => {
    const { sent } = await createInvitation({
      orgId,
      orgName: "Acme",
      email: outsider.email,
      role: "member",
      actor: owner.id,
      links,
    });
    expect(sent).toBe("sign-in link");
    const [message] = await inbox(outsider.email);
    expect(message?.subject).toBe("Your sign-in link");
    expect(confirmLink(message!).next).toBe("http://127.0.0.1:3000/en/invitations");
  });

  it("refuses members, owner invitations by admins, duplicates and people already in the organization", async () => {
    const byMember = await appErrorOf(
      createInvitation({
        orgId,
        orgName: "Acme",
        email: newAddress("x"),
        role: "member",
        actor: member.id,
        links,
      }),
    );
    expect(byMember.code).toBe("forbidden");
    const ownerByAdmin = await appErrorOf(
      createInvitation({
        orgId,
        orgName: "Acme",
        email: newAddress("x"),
        role: "owner",
        actor: adminUser.id,
        links,
      }),
    );
    expect(ownerByAdmin.code).toBe("forbidden");
    const existingMember = await appErrorOf(
      createInvitation({
        orgId,
        orgName: "Acme",
        email: member.email,
        role: "member",
        actor: owner.id,
        links,
      }),
    );
    expect(existingMember.code).toBe("conflict");

    const email = newAddress("twice");
    await createInvitation({ orgId, orgName: "Acme", email, role: "member", actor: owner.id, links });
    const duplicate = await appErrorOf(
      createInvitation({
        orgId,
        orgName: "Acme",
        email: email.toUpperCase(),
        role: "member",
        actor: owner.id,
        links,
      }),
    );
    expect(duplicate.code).toBe("conflict");
  });

  it("resends at most once a minute, and revocation is final", async () => {
    const email = newAddress("resend");
    const { id } = await createInvitation({
      orgId,
      orgName: "Acme",
      email,
      role: "member",
      actor: owner.id,
      links,
    });
    const tooSoon = await appErrorOf(
      resendInvitation({ orgId, orgName: "Acme", invitationId: id, actor: owner.id, links }),
    );
    expect(tooSoon.code).toBe("rate_limited");

    await db`update public.invitations set last_sent_at = now() - interval '2 minutes' where id = ${id}`;
    // The auth server's own limit (one invitation email per address a minute) is past too.
    await db`update auth.users set confirmation_sent_at = now() - interval '2 minutes' where email = ${email}`;
    await resendInvitation({ orgId, orgName: "Acme", invitationId: id, actor: owner.id, links });
    expect(await inbox(email)).toHaveLength(2);
    const [row] = await db`select send_count from public.invitations where id = ${id}`;
    expect(row?.send_count).toBe(2);

    await revokeInvitation({ orgId, invitationId: id, actor: adminUser.id });
    const { userId } = await acceptLinkAs(email);
    const revoked = await appErrorOf(respondToInvitation({ invitationId: id, user: userId, accept: true }));
    expect(revoked.code).toBe("conflict");
    const again = await appErrorOf(revokeInvitation({ orgId, invitationId: id, actor: owner.id }));
    expect(again.code).toBe("conflict");
  });

  it("treats another organization's invitation and someone else's invitation as not found", async () => {
    const email = newAddress("theirs");
    const { id } = await createInvitation({
      orgId: otherOrgId,
      orgName: "Other",
      email,
      role: "member",
      actor: outsider.id,
      links,
    });
    // An owner of one organization naming an invitation of another, through their own org id.
    const crossOrg = await appErrorOf(revokeInvitation({ orgId, invitationId: id, actor: owner.id }));
    expect(crossOrg.code).toBe("not_found");
    const crossResend = await appErrorOf(
      resendInvitation({ orgId, orgName: "Acme", invitationId: id, actor: owner.id, links }),
    );
    expect(crossResend.code).toBe("not_found");
    // Accepting an invitation addressed to someone else.
    const stolen = await appErrorOf(respondToInvitation({ invitationId: id, user: member.id, accept: true }));
    expect(stolen.code).toBe("not_found");
    const [row] = await db`select status from public.invitations where id = ${id}`;
    expect(row?.status).toBe("pending");
  });

  it("refuses an expired invitation", async () => {
    const email = newAddress("late");
    const { id } = await createInvitation({
      orgId,
      orgName: "Acme",
      email,
      role: "member",
      actor: owner.id,
      links,
    });
    const { userId } = await acceptLinkAs(email);
    await db`update public.invitations set created_at = now() - interval '9 days', expires_at = now() - interval '1 day' where id = ${id}`;
    const late = await appErrorOf(respondToInvitation({ invitationId: id, user: userId, accept: true }));
    expect(late.code).toBe("conflict");
    expect(late.message).toMatch(/expired/);
  });

  it("keeps invitations out of reach of members, outsiders and direct writes", async () => {
    await createInvitation({
      orgId,
      orgName: "Acme",
      email: newAddress("hidden"),
      role: "member",
      actor: owner.id,
      links,
    });
    const byOwner = await owner.client.from("invitations").select("id").eq("org_id", orgId);
    expect(byOwner.data?.length).toBeGreaterThan(0);
    const byMember = await member.client.from("invitations").select("id").eq("org_id", orgId);
    expect(byMember.error).toBeNull();
    expect(byMember.data).toEqual([]);
    // The outsider was invited above: they see that invitation and no other.
    const byOutsider = await outsider.client.from("invitations").select("email").eq("org_id", orgId);
    expect(byOutsider.data?.map((row) => row.email)).toEqual([outsider.email]);
    const insert = await owner.client
      .from("invitations")
      .insert({ org_id: orgId, email: newAddress("direct"), role: "owner" });
    expect(insert.error?.code).toBe("42501");
    const rpc = await owner.client.rpc("create_invitation", {
      p_org_id: orgId,
      p_email: newAddress("rpc"),
      p_role: "owner",
      p_actor: owner.id,
    });
    expect(rpc.error).not.toBeNull();
  });

  it("refuses addresses with NUL bytes or unpaired surrogates before anything is written", () => {
    const base = { orgId, role: "member" };
    expect(inviteSchema.safeParse({ ...base, email: "a\u0000b@test.example" }).success).toBe(false);
    expect(inviteSchema.safeParse({ ...base, email: "a\ud800b@test.example" }).success).toBe(false);
    expect(inviteSchema.safeParse({ ...base, email: "Ok@Test.Example" }).data?.email).toBe("ok@test.example");
  });
});

describe("email change", () => {
  it("updates the profile's email once the change is confirmed", async () => {
    const user = await createTestUser();
    const next = newAddress("moved");
    const { error } = await user.client.auth.updateUser(
      { email: next },
      { emailRedirectTo: "http://127.0.0.1:3000/en" },
    );
    expect(error).toBeNull();
    const [toNew] = await inbox(next);
    expect(toNew?.subject).toBe("Confirm your new email address");
    const { tokenHash } = confirmLink(toNew!);
    const verified = await anonClient().auth.verifyOtp({ token_hash: tokenHash, type: "email_change" });
    expect(verified.error).toBeNull();
    const { data } = await serviceClient().from("profiles").select("email").eq("id", user.id).single();
    expect(data?.email).toBe(next);
  });
});
