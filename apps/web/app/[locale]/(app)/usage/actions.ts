"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";

import { orgAction } from "@/lib/actions/form-action";
import { uuidSchema } from "@/lib/records/schemas";
import { dismissUsageNotification } from "@/lib/usage/mutations";

const dismissSchema = z.object({ orgId: uuidSchema, notificationId: z.coerce.number().int().positive() });

/** Owners and admins dismiss a limit alert for their organization. */
export const dismissAlertAction = orgAction(dismissSchema, ["owner", "admin"], async (input, ctx) => {
  await dismissUsageNotification({
    orgId: ctx.orgId,
    notificationId: input.notificationId,
    actor: ctx.user.id,
  });
  revalidatePath("/[locale]", "layout");
  return { status: "success", message: "" };
});
