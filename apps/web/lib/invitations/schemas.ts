import { z } from "zod";

import { orgRoleSchema } from "@/lib/orgs/schemas";
import { uuidSchema } from "@/lib/records/schemas";
import { safeTextCheck } from "@/lib/validation/text";

export const inviteSchema = z.object({
  orgId: uuidSchema,
  email: z
    .email({ message: "Enter the email address to invite." })
    .max(254, { message: "Enter the email address to invite." })
    .check(safeTextCheck())
    .transform((email) => email.toLowerCase()),
  role: orgRoleSchema,
});

/** Resend or revoke: an invitation of the organization named. */
export const orgInvitationSchema = z.object({ orgId: uuidSchema, invitationId: uuidSchema });

/** Accept or decline an invitation addressed to the caller. */
export const respondSchema = z.object({
  invitationId: uuidSchema,
  answer: z.enum(["accept", "decline"], { message: "Accept or decline the invitation." }),
});
