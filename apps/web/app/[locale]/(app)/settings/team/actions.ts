"use server";

import { revalidatePath } from "next/cache";

import { authedAction, orgAction } from "@/lib/actions/form-action";
import { appOrigin } from "@/lib/auth/urls";
import { getDictionary } from "@/lib/i18n/dictionaries";
import { interpolate } from "@/lib/i18n/format";
import { localeField } from "@/lib/i18n/schemas";
import { createInvitation, resendInvitation, revokeInvitation } from "@/lib/invitations/mutations";
import { inviteSchema, orgInvitationSchema } from "@/lib/invitations/schemas";
import { listMyOrganizations, rememberCurrentOrg } from "@/lib/orgs/current";
import { createOrganization, setMembership } from "@/lib/orgs/mutations";
import { changeRoleSchema, createOrgSchema, removeMemberSchema } from "@/lib/orgs/schemas";
import type { Locale } from "@/lib/i18n/config";
import type { OrgContext } from "@/lib/auth/server";

export const createOrgAction = authedAction(createOrgSchema, async (input, ctx) => {
  const orgId = await createOrganization({ name: input.name, actor: ctx.user.id });
  await rememberCurrentOrg(orgId);
  revalidatePath("/[locale]", "layout");
  return { status: "success", message: `Created ${input.name} and switched to it.` };
});

/** Links in invitation emails lead back to this app, in the inviter's language. */
async function invitationLinks(locale: Locale) {
  return {
    origin: await appOrigin(),
    newUserPath: `/${locale}/welcome`,
    existingUserPath: `/${locale}/invitations`,
  };
}

async function orgName(ctx: OrgContext): Promise<string> {
  const orgs = await listMyOrganizations(ctx);
  return orgs.find((org) => org.id === ctx.orgId)?.name ?? "";
}

export const inviteAction = orgAction(
  inviteSchema.extend(localeField),
  ["owner", "admin"],
  async (input, ctx) => {
    await createInvitation({
      orgId: ctx.orgId,
      orgName: await orgName(ctx),
      email: input.email,
      role: input.role,
      actor: ctx.user.id,
      links: await invitationLinks(input.locale),
    });
    revalidatePath("/[locale]/settings/team", "page");
    return {
      status: "success",
      message: interpolate(getDictionary(input.locale).team.invited, { email: input.email }),
    };
  },
);

export const resendInvitationAction = orgAction(
  orgInvitationSchema.extend(localeField),
  ["owner", "admin"],
  async (input, ctx) => {
    const { email } = await resendInvitation({
      orgId: ctx.orgId,
      orgName: await orgName(ctx),
      invitationId: input.invitationId,
      actor: ctx.user.id,
      links: await invitationLinks(input.locale),
    });
    revalidatePath("/[locale]/settings/team", "page");
    return { status: "success", message: interpolate(getDictionary(input.locale).team.resent, { email }) };
  },
);

export const revokeInvitationAction = orgAction(
  orgInvitationSchema.extend(localeField),
  ["owner", "admin"],
  async (input, ctx) => {
    await revokeInvitation({ orgId: ctx.orgId, invitationId: input.invitationId, actor: ctx.user.id });
    revalidatePath("/[locale]/settings/team", "page");
    return { status: "success", message: getDictionary(input.locale).team.revoked };
  },
);

export const changeRoleAction = orgAction(
  changeRoleSchema.extend(localeField),
  ["owner", "admin"],
  async (input, ctx) => {
    await setMembership({ orgId: ctx.orgId, userId: input.userId, role: input.role, actor: ctx.user.id });
    revalidatePath("/[locale]/settings/team", "page");
    return { status: "success", message: getDictionary(input.locale).team.roleChanged };
  },
);

export const removeMemberAction = orgAction(
  removeMemberSchema.extend(localeField),
  ["owner", "admin", "member"],
  async (input, ctx) => {
    await setMembership({ orgId: ctx.orgId, userId: input.userId, role: null, actor: ctx.user.id });
    revalidatePath("/[locale]", "layout");
    const t = getDictionary(input.locale).team;
    return { status: "success", message: input.userId === ctx.user.id ? t.youLeft : t.memberRemoved };
  },
);
