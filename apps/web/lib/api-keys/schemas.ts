import { z } from "zod";

import { uuidSchema } from "@/lib/records/schemas";

export const createApiKeySchema = z.object({
  orgId: uuidSchema,
  name: z
    .string()
    .trim()
    .min(1, { message: "Name the key, e.g. after the service that uses it." })
    .max(80, { message: "Keep the name under 80 characters." }),
});

export const revokeApiKeySchema = z.object({ orgId: uuidSchema, keyId: uuidSchema });
