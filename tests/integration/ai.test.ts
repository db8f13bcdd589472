import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { summarizeRecord } from "@/lib/ai/mutations";
import { createRecord } from "@/lib/records/mutations";

import { startFakeOpenAi, type FakeOpenAi } from "../support/fake-openai";
import { createOrg, createTestUser, sql, type TestUser } from "../support/supabase";

describe("AI summaries through an OpenAI-compatible endpoint", () => {
  const db = sql();
  let ai: FakeOpenAi;
  let owner: TestUser, outsider: TestUser;
  let orgId: string;
  let record: { id: string; title: string; body: string; tags: string[] };

  beforeAll(async () => {
    ai = await startFakeOpenAi();
    [owner, outsider] = await Promise.all([createTestUser(), createTestUser()]);
    orgId = await createOrg(owner);
    record = await createRecord(owner.client, {
      orgId,
      userId: owner.id,
      input: { title: "Launch plan", body: "Ship the beta to ten customers in May", tags: ["plan"] },
    });
  });
  afterEach(() => {
    delete process.env.AI_BASE_URL;
    delete process.env.AI_API_KEY;
    delete process.env.AI_MODEL;
  });
  afterAll(async () => {
    await ai.close();
    await db.end();
  });

  const configure = () => {
    process.env.AI_BASE_URL = ai.baseUrl;
    process.env.AI_API_KEY = "sk-test";
    process.env.AI_MODEL = "test-model-1";
  };

  it("says how to enable it when it is not configured", async () => {
    await expect(summarizeRecord({ orgId, userId: owner.id, record })).rejects.toMatchObject({
      code: "not_configured",
      message: expect.stringMatching(/AI_BASE_URL.*AI_API_KEY.*AI_MODEL/),
    });
  });

  it("keeps the summary and the provider's reported token usage", async () => {
    configure();
    const result = await summarizeRecord({ orgId, userId: owner.id, record });
    const sent = ai.requests.at(-1);
    expect(sent?.authorization).toBe("Bearer sk-test");
    expect(sent?.body.model).toBe("test-model-1");
    expect(sent?.body.messages.at(-1)?.content).toContain("Ship the beta");

    const promptTokens = sent!.body.messages
      .map((m) => m.content)
      .join(" ")
      .split(/\s+/)
      .filter(Boolean).length;
    expect(result).toMatchObject({
      model: "test-model-1",
      prompt_tokens: promptTokens,
      completion_tokens: 5,
      total_tokens: promptTokens + 5,
    });

    const visible = await owner.client
      .from("ai_requests")
      .select("id, total_tokens")
      .eq("record_id", record.id);
    expect(visible.data).toEqual([{ id: result.id, total_tokens: promptTokens + 5 }]);
    const hidden = await outsider.client.from("ai_requests").select("id").eq("record_id", record.id);
    expect(hidden.data).toEqual([]);
    const forged = await owner.client.from("ai_requests").insert({
      org_id: orgId,
      model: "x",
      prompt_tokens: 0,
      completion_tokens: 0,
      total_tokens: 0,
      summary: "forged",
      duration_ms: 0,
    });
    expect(forged.error?.code).toBe("42501");
  });

  it("reports provider failures clearly and stores nothing", async () => {
    configure();
    const before = await db`select count(*)::int as n from public.ai_requests where record_id = ${record.id}`;
    ai.failNext(429, JSON.stringify({ error: { message: "Rate limit reached" } }));
    await expect(summarizeRecord({ orgId, userId: owner.id, record })).rejects.toMatchObject({
      message: expect.stringMatching(/answered 429.*Rate limit reached/),
    });
    ai.failNext(200, JSON.stringify({ choices: [] }));
    await expect(summarizeRecord({ orgId, userId: owner.id, record })).rejects.toMatchObject({
      message: expect.stringMatching(/not a chat completion/),
    });
    const after = await db`select count(*)::int as n from public.ai_requests where record_id = ${record.id}`;
    expect(after[0]?.n).toBe(before[0]?.n);
  });
});
