"use server";

import { revalidatePath } from "next/cache";

import { requireAuth } from "@/lib/auth/server";
import { listMyOrganizations, rememberCurrentOrg } from "@/lib/orgs/current";
import { switchOrgSchema } from "@/lib/orgs/schemas";

/** Switches the header's organization; only organizations the user belongs to are accepted. */
export async function switchOrgAction(orgId: string): Promise<{ ok: boolean; message?: string }> {
  const parsed = switchOrgSchema.safeParse({ orgId });
  if (!parsed.success) return { ok: false, message: "That is not a valid organization." };
  const ctx = await requireAuth();
  const orgs = await listMyOrganizations(ctx);
  if (!orgs.some((org) => org.id === parsed.data.orgId))
    return { ok: false, message: "You are not a member of that organization." };
  await rememberCurrentOrg(parsed.data.orgId);
  revalidatePath("/[locale]", "layout");
  return { ok: true };
}
