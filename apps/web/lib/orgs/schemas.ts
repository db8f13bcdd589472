import { z } from "zod";

import { uuidSchema } from "@/lib/records/schemas";

export const orgRoleSchema = z.enum(["owner", "admin", "member"], {
  message: "Choose owner, admin or member.",
});

export const createOrgSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, { message: "Name the organization." })
    .max(80, { message: "Keep the name under 80 characters." }),
});

export const switchOrgSchema = z.object({ orgId: uuidSchema });

export const changeRoleSchema = z.object({ orgId: uuidSchema, userId: uuidSchema, role: orgRoleSchema });

export const removeMemberSchema = z.object({ orgId: uuidSchema, userId: uuidSchema });

export const changePlanSchema = z.object({
  orgId: uuidSchema,
  planId: z.enum(["free", "pro", "business", "enterprise"], { message: "Choose one of the listed plans." }),
});
