import "server-only";

import { z } from "zod";

import { AppError } from "@/lib/errors";

/** An OpenAI-compatible chat-completions endpoint, configured by env. */
export interface AiConfig {
  baseUrl: string;
  apiKey: string;
  model: string;
}

export const AI_NOT_CONFIGURED_MESSAGE =
  "AI is not configured. Set AI_BASE_URL (an OpenAI-compatible API, e.g. https://api.openai.com/v1), AI_API_KEY and AI_MODEL, then restart the app.";

export function getAiConfig(): AiConfig | null {
  const baseUrl = process.env.AI_BASE_URL?.trim();
  const apiKey = process.env.AI_API_KEY?.trim();
  const model = process.env.AI_MODEL?.trim();
  if (!baseUrl || !apiKey || !model) return null;
  return { baseUrl: baseUrl.replace(/\/+$/, ""), apiKey, model };
}

const completionSchema = z.object({
  model: z.string().optional(),
  choices: z
    .array(z.object({ message: z.object({ content: z.string().nullable() }) }))
    .min(1, { message: "the response has no choices" }),
  usage: z.object({
    prompt_tokens: z.number().int().nonnegative(),
    completion_tokens: z.number().int().nonnegative(),
    total_tokens: z.number().int().nonnegative(),
  }),
});

export interface ChatResult {
  content: string;
  model: string;
  usage: { promptTokens: number; completionTokens: number; totalTokens: number };
  durationMs: number;
}

/** One chat completion. Provider failures become AppErrors with the provider's reason. */
export async function chatCompletion(
  config: AiConfig,
  messages: { role: "system" | "user"; content: string }[],
  options: { maxTokens?: number; timeoutMs?: number } = {},
): Promise<ChatResult> {
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(`${config.baseUrl}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${config.apiKey}` },
      body: JSON.stringify({
        model: config.model,
        messages,
        max_tokens: options.maxTokens ?? 300,
        temperature: 0.2,
      }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError(
      "not_configured",
      `The AI provider at ${config.baseUrl} could not be reached (${reason}).`,
    );
  }
  const text = await response.text();
  if (!response.ok) {
    throw new AppError(
      "not_configured",
      `The AI provider answered ${response.status}: ${text.slice(0, 200)}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppError("not_configured", "The AI provider's answer was not JSON.");
  }
  const parsed = completionSchema.safeParse(json);
  if (!parsed.success) {
    throw new AppError(
      "not_configured",
      `The AI provider's answer was not a chat completion: ${parsed.error.issues[0]?.message}`,
    );
  }
  const usage = parsed.data.usage;
  return {
    content: parsed.data.choices[0]?.message.content?.trim() ?? "",
    model: parsed.data.model ?? config.model,
    usage: {
      promptTokens: usage.prompt_tokens,
      completionTokens: usage.completion_tokens,
      totalTokens: usage.total_tokens,
    },
    durationMs: Math.round(performance.now() - started),
  };
}
