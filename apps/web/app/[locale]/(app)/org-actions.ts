"use server";

import { revalidatePath } from "next/cache";

import { authedAction } from "@/lib/actions/form-action";
import { AppError } from "@/lib/errors";
import { listMyOrganizations, rememberCurrentOrg } from "@/lib/orgs/current";
import { switchOrgSchema } from "@/lib/orgs/schemas";

/** Switches the header's organization; only organizations the user belongs to are accepted. */
export const switchOrgAction = authedAction(switchOrgSchema, async (input, ctx) => {
  const orgs = await listMyOrganizations(ctx);
  if (!orgs.some((org) => org.id === input.orgId))
    throw new AppError("forbidden", "You are not a member of that organization.");
  await rememberCurrentOrg(input.orgId);
  revalidatePath("/[locale]", "layout");
  return { status: "success", message: "Switched." };
});
