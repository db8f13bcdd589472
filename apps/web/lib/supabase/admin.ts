import "server-only";

import { createClient } from "@supabase/supabase-js";
import { z } from "zod";

import { parseEnv, publicEnv } from "@/lib/env";

import type { Database } from "./database.types";

const serviceEnvSchema = z.object({
  SUPABASE_SERVICE_ROLE_KEY: z.string().min(1, "SUPABASE_SERVICE_ROLE_KEY is required on the server"),
});

let adminClient: ReturnType<typeof createClient<Database>> | undefined;

/**
 * The service-role client. It bypasses RLS, so it is only for work no user may do directly
 * (writing usage events, admin reads). `server-only` keeps it out of every browser bundle.
 */
export function createAdminSupabaseClient() {
  if (!adminClient) {
    const { SUPABASE_SERVICE_ROLE_KEY } = parseEnv(serviceEnvSchema, {
      SUPABASE_SERVICE_ROLE_KEY: process.env.SUPABASE_SERVICE_ROLE_KEY,
    });
    adminClient = createClient<Database>(publicEnv().NEXT_PUBLIC_SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    });
  }
  return adminClient;
}
