"use server";

import { revalidatePath } from "next/cache";

import { orgAction } from "@/lib/actions/form-action";
import { changePlan } from "@/lib/orgs/mutations";
import { changePlanSchema } from "@/lib/orgs/schemas";

export const changePlanAction = orgAction(changePlanSchema, ["owner"], async (input, ctx) => {
  await changePlan({ orgId: ctx.orgId, planId: input.planId, actor: ctx.user.id });
  revalidatePath("/[locale]", "layout");
  return { status: "success", message: `Switched to the ${input.planId} plan.` };
});
