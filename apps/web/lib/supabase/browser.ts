"use client";

import { createBrowserClient } from "@supabase/ssr";

import type { Database } from "./database.types";

/** A Supabase client for client components; shares the cookie session the server sets. */
export function createBrowserSupabaseClient() {
  return createBrowserClient<Database>(
    process.env.NEXT_PUBLIC_SUPABASE_URL ?? "",
    process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY ?? "",
  );
}
