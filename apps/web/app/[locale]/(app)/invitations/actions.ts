"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";

import { authedAction } from "@/lib/actions/form-action";
import { getDictionary } from "@/lib/i18n/dictionaries";
import { localeField } from "@/lib/i18n/schemas";
import { respondToInvitation } from "@/lib/invitations/mutations";
import { respondSchema } from "@/lib/invitations/schemas";
import { rememberCurrentOrg } from "@/lib/orgs/current";

export const respondToInvitationAction = authedAction(
  respondSchema.extend(localeField),
  async (input, ctx) => {
    const accept = input.answer === "accept";
    const orgId = await respondToInvitation({ invitationId: input.invitationId, user: ctx.user.id, accept });
    revalidatePath("/[locale]", "layout");
    if (!accept) return { status: "success", message: getDictionary(input.locale).invitations.declined };
    // Straight into the organization just joined.
    await rememberCurrentOrg(orgId);
    redirect(`/${input.locale}`);
  },
);
