import "server-only";

import type { ServerSupabaseClient } from "@/lib/supabase/server";

/** A record's latest summaries, newest first (RLS: members of its organization). */
export async function listRecentSummaries(client: ServerSupabaseClient, recordId: string, limit = 3) {
  const { data, error } = await client
    .from("ai_requests")
    .select("id, summary, model, total_tokens, created_at")
    .eq("record_id", recordId)
    .order("created_at", { ascending: false })
    .limit(limit);
  if (error) throw new Error(`Could not load summaries: ${error.message}`);
  return data;
}
