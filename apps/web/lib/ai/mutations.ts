import "server-only";

import { AppError } from "@/lib/errors";
import { createAdminSupabaseClient } from "@/lib/supabase/admin";
import { assertWithinLimit } from "@/lib/usage/limits";

import { AI_NOT_CONFIGURED_MESSAGE, chatCompletion, getAiConfig } from "./provider";

export interface SummarizeParams {
  orgId: string;
  userId: string;
  record: { id: string; title: string; body: string; tags: string[] };
}

/**
 * Summarizes a record and keeps the request with the provider's reported token usage. The row is
 * written with the service role (users cannot forge token counts); the caller has already checked
 * that the user may read the record.
 */
export async function summarizeRecord(params: SummarizeParams) {
  const config = getAiConfig();
  if (!config) throw new AppError("not_configured", AI_NOT_CONFIGURED_MESSAGE);
  // Tokens are known only once the provider answers: refuse once the limit is reached.
  await assertWithinLimit(params.orgId, "ai_tokens_used");

  const result = await chatCompletion(config, [
    {
      role: "system",
      content: "Summarize the user's record in at most three sentences. Be factual and brief.",
    },
    {
      role: "user",
      content: `Title: ${params.record.title}\nTags: ${params.record.tags.join(", ") || "none"}\n\n${params.record.body || "(no body)"}`,
    },
  ]);

  const { data, error } = await createAdminSupabaseClient()
    .from("ai_requests")
    .insert({
      org_id: params.orgId,
      record_id: params.record.id,
      user_id: params.userId,
      model: result.model,
      prompt_tokens: result.usage.promptTokens,
      completion_tokens: result.usage.completionTokens,
      total_tokens: result.usage.totalTokens,
      summary: result.content,
      duration_ms: result.durationMs,
    })
    .select("id, summary, model, prompt_tokens, completion_tokens, total_tokens, created_at")
    .single();
  // The insert records the ai_tokens_used event in its own transaction (a database trigger).
  if (error) throw new Error(`Could not save the AI request: ${error.message}`);
  return data;
}
