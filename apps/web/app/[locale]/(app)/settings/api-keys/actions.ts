"use server";

import { revalidatePath } from "next/cache";

import { orgAction } from "@/lib/actions/form-action";
import { createApiKey, revokeApiKey } from "@/lib/api-keys/mutations";
import { createApiKeySchema, revokeApiKeySchema } from "@/lib/api-keys/schemas";

export const createApiKeyAction = orgAction(createApiKeySchema, ["owner", "admin"], async (input, ctx) => {
  const key = await createApiKey(ctx.supabase, { orgId: ctx.orgId, userId: ctx.user.id, name: input.name });
  revalidatePath("/[locale]/settings/api-keys", "page");
  return {
    status: "success",
    message: `Created “${key.name}”. Copy the secret now: it is not shown again.`,
    data: { secret: key.secret },
  };
});

export const revokeApiKeyAction = orgAction(revokeApiKeySchema, ["owner", "admin"], async (input, ctx) => {
  await revokeApiKey(ctx.supabase, ctx.orgId, input.keyId);
  revalidatePath("/[locale]/settings/api-keys", "page");
  return { status: "success", message: "Key revoked. Requests with it now get 401." };
});
