"use server";

import { revalidatePath } from "next/cache";

import { authedAction, orgAction } from "@/lib/actions/form-action";
import { AppError } from "@/lib/errors";
import { rememberCurrentOrg } from "@/lib/orgs/current";
import { findUserIdByEmail } from "@/lib/orgs/queries";
import { createOrganization, setMembership } from "@/lib/orgs/mutations";
import { addMemberSchema, changeRoleSchema, createOrgSchema, removeMemberSchema } from "@/lib/orgs/schemas";

export const createOrgAction = authedAction(createOrgSchema, async (input, ctx) => {
  const orgId = await createOrganization({ name: input.name, actor: ctx.user.id });
  await rememberCurrentOrg(orgId);
  revalidatePath("/[locale]", "layout");
  return { status: "success", message: `Created ${input.name} and switched to it.` };
});

export const addMemberAction = orgAction(addMemberSchema, ["owner", "admin"], async (input, ctx) => {
  const userId = await findUserIdByEmail(input.email);
  if (!userId) throw new AppError("not_found", `No account uses ${input.email}. Ask them to sign up first.`);
  await setMembership({ orgId: ctx.orgId, userId, role: input.role, actor: ctx.user.id });
  revalidatePath("/[locale]/settings/team", "page");
  return { status: "success", message: `Added ${input.email} as ${input.role}.` };
});

export const changeRoleAction = orgAction(changeRoleSchema, ["owner", "admin"], async (input, ctx) => {
  await setMembership({ orgId: ctx.orgId, userId: input.userId, role: input.role, actor: ctx.user.id });
  revalidatePath("/[locale]/settings/team", "page");
  return { status: "success", message: `Role changed to ${input.role}.` };
});

export const removeMemberAction = orgAction(
  removeMemberSchema,
  ["owner", "admin", "member"],
  async (input, ctx) => {
    await setMembership({ orgId: ctx.orgId, userId: input.userId, role: null, actor: ctx.user.id });
    revalidatePath("/[locale]", "layout");
    return {
      status: "success",
      message: input.userId === ctx.user.id ? "You left the organization." : "Member removed.",
    };
  },
);
