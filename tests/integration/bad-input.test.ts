// Input Postgres cannot take (NUL, unpaired surrogates), pages past the end and tags that look
// like filter syntax: every such request answers 200 or 4xx, never 500, and writes nothing bad.
import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { GET, POST } from "@/app/api/v1/records/route";
import { POST as ingestPost } from "@/app/api/v1/usage/events/route";
import { createApiKey } from "@/lib/api-keys/mutations";
import { flushUsage, logUsage, usageQueueStats } from "@/lib/usage/logging";

import { createOrg, createTestUser, sql, type TestUser } from "../support/supabase";

const noParams = { params: Promise.resolve({}) };

interface Json {
  status: number;
  body: {
    data?: { id: string; title: string; tags: string[] }[];
    total?: number;
    error?: { code: string; message: string; details?: { issues?: { path: string; message: string }[] } };
  };
}

async function json(response: Response): Promise<Json> {
  return { status: response.status, body: (await response.json()) as Json["body"] };
}

describe("bad input", () => {
  const db = sql();
  let owner: TestUser;
  let orgId: string;
  let secret: string;
  let ingestSecret: string;

  const get = async (query: string) =>
    json(
      await GET(
        new Request(`http://localhost/api/v1/records${query}`, {
          headers: { authorization: `Bearer ${secret}` },
        }),
        noParams,
      ),
    );
  const post = async (body: string) =>
    json(
      await POST(
        new Request("http://localhost/api/v1/records", {
          method: "POST",
          headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
          body,
        }),
        noParams,
      ),
    );
  const countRecords = async () =>
    (await db`select count(*)::int as n from public.records where org_id = ${orgId}`)[0]?.n as number;

  beforeAll(async () => {
    owner = await createTestUser();
    orgId = await createOrg(owner);
    secret = (await createApiKey(owner.client, { orgId, userId: owner.id, name: "bad-input" })).secret;
    ingestSecret = (await createApiKey(owner.client, { orgId, userId: owner.id, name: "ingest" })).secret;
  });
  afterAll(() => db.end());

  describe("POST /api/v1/records with text Postgres cannot store", () => {
    const NUL = "\u0000";
    const LONE = "\ud800";
    const cases: [string, Record<string, unknown>, string, RegExp][] = [
      ["NUL in the title", { title: `a${NUL}b` }, "title", /NUL/],
      ["NUL in the body", { title: "ok", body: `x${NUL}` }, "body", /NUL/],
      ["NUL in a tag", { title: "ok", tags: ["fine", `t${NUL}`] }, "tags.1", /NUL/],
      ["lone surrogate in the title", { title: `a${LONE}` }, "title", /unpaired surrogate/],
      ["lone surrogate in the body", { title: "ok", body: LONE }, "body", /unpaired surrogate/],
      ["lone surrogate in a tag", { title: "ok", tags: [`${LONE}t`] }, "tags.0", /unpaired surrogate/],
      ["NUL in an unknown key", { title: "ok", [`x${NUL}`]: 1 }, "x\\u0000", /key contains a NUL/],
    ];

    it.each(cases)("%s → 400 naming the field, nothing written", async (_, input, path, problem) => {
      const text = JSON.stringify(input);
      // What a client sends: the JSON escapes, which JSON.parse turns back into the bad characters.
      expect(text).toMatch(/\\u0000|\\ud800/);
      const before = await countRecords();

      const res = await post(text);
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe("bad_request");
      expect(res.body.error?.message).toContain(path);
      expect(res.body.error?.message).toMatch(problem);
      expect(res.body.error?.details?.issues?.[0]).toMatchObject({
        path,
        message: expect.stringMatching(problem),
      });
      expect(await countRecords()).toBe(before);
    });

    it("still creates a record from storable text (emoji, accents)", async () => {
      const res = await post(JSON.stringify({ title: "Ünïcødé 😀", body: "日本語", tags: ["é"] }));
      expect(res.status).toBe(201);
      const rows =
        await db`select title from public.records where org_id = ${orgId} and title = ${"Ünïcødé 😀"}`;
      expect(rows).toHaveLength(1);
    });
  });

  describe("GET /api/v1/records paging and tag filter", () => {
    // Tags the schema does not allow to create, written directly: the filter must match them
    // exactly, and never the records a mis-parsed literal would match (`{a,b}`, `{x}`...).
    const oddTags = ['a"b', "}", "a,b", "{x}", ")", "a\\b", "(", "NULL"];
    const plainTags = [["a"], ["b"], ["a", "b"], ["x"], ["a b"], []];

    beforeAll(async () => {
      for (const tags of [...oddTags.map((tag) => [tag]), ...plainTags]) {
        await db`insert into public.records (org_id, created_by, title, tags)
                 values (${orgId}, ${owner.id}, ${`tagged ${JSON.stringify(tags)}`}, ${db.array(tags, 25)})`;
      }
    });

    async function visibleTotal() {
      const rows =
        await db`select count(*)::int as n from public.records where org_id = ${orgId} and not archived`;
      return rows[0]?.n as number;
    }

    it("a page past the end is empty, with the true total", async () => {
      const total = await visibleTotal();
      expect(total).toBeGreaterThan(5);
      for (const offset of [1_000_000, total, total + 1]) {
        const res = await get(`?offset=${offset}`);
        expect(res.status, `offset ${offset}`).toBe(200);
        expect(res.body).toMatchObject({ data: [], total, offset });
      }
      const last = await get(`?offset=${total - 1}`);
      expect(last.status).toBe(200);
      expect(last.body.data).toHaveLength(1);
      expect(last.body.total).toBe(total);

      const tagged = await get("?tag=a&offset=500");
      expect(tagged.status).toBe(200);
      expect(tagged.body).toMatchObject({ data: [], total: 2 });
    });

    it.each([...oddTags, "a", "x", "a b", "never-used", "{", '"', "a\\"])(
      "tag %j: 200 with exactly the records carrying that tag",
      async (tag) => {
        const res = await get(`?${new URLSearchParams({ tag })}`);
        expect(res.status).toBe(200);
        const expected = await db`select id from public.records
                                  where org_id = ${orgId} and not archived and ${tag} = any(tags)`;
        const ids = (res.body.data ?? []).map((r) => r.id).sort();
        expect(ids).toEqual(expected.map((r) => r.id as string).sort());
        expect(res.body.total).toBe(expected.length);
        for (const record of res.body.data ?? []) expect(record.tags).toContain(tag);
      },
    );

    it("finds the records whose odd tags were written directly, one each", async () => {
      for (const tag of oddTags) {
        const res = await get(`?${new URLSearchParams({ tag })}`);
        expect(
          res.body.data?.map((r) => r.tags),
          tag,
        ).toEqual([[tag]]);
      }
    });

    it("a NUL in the tag filter is a 400 naming the parameter", async () => {
      for (const query of ["?tag=%00", "?tag=a%00b"]) {
        const res = await get(query);
        expect(res.status, query).toBe(400);
        expect(res.body.error).toMatchObject({
          code: "bad_request",
          message: expect.stringMatching(/tag.*NUL/),
        });
      }
    });
  });

  describe("POST /api/v1/usage/events with text Postgres cannot store", () => {
    it("rejects just the events carrying it, with a reason naming the path, and stores the others", async () => {
      const run = randomUUID();
      const event = (key: string, eventData: Record<string, unknown> = {}) => ({
        event_type: "ai_tokens_used",
        idempotency_key: `${run}-${key}`,
        quantity: 10,
        event_data: { model: "m", prompt_tokens: 6, completion_tokens: 4, ...eventData },
      });
      const events = [
        event("ok-1"),
        event("nul-value", { note: "a\u0000b" }),
        event("nul-key", { nested: { "k\u0000": 1 } }),
        { ...event("x"), idempotency_key: `${run}-nul\u0000key` },
        event("lone", { list: ["ok", "\udc00"] }),
        { ...event("x"), idempotency_key: `${run}-lone\ud800` },
        event("ok-2", { note: "Ünïcødé 😀" }),
      ];
      const res = await ingestPost(
        new Request("http://localhost/api/v1/usage/events", {
          method: "POST",
          headers: { authorization: `Bearer ${ingestSecret}`, "content-type": "application/json" },
          body: JSON.stringify({ events }),
        }),
        noParams,
      );
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        accepted: number;
        rejected: number;
        results: { status: string; reason?: string }[];
      };
      expect(body, JSON.stringify(body.results)).toMatchObject({ accepted: 2, rejected: 5 });
      expect(body.results.map((r) => r.status)).toEqual([
        "accepted",
        "rejected",
        "rejected",
        "rejected",
        "rejected",
        "rejected",
        "accepted",
      ]);
      expect(body.results[1]?.reason).toMatch(/event_data\.note: contains a NUL character/);
      expect(body.results[2]?.reason).toMatch(/event_data\.nested\.k\\u0000: key contains a NUL character/);
      expect(body.results[3]?.reason).toMatch(/idempotency_key: contains a NUL character/);
      expect(body.results[4]?.reason).toMatch(/event_data\.list\.1: .*unpaired surrogate/);
      expect(body.results[5]?.reason).toMatch(/idempotency_key: .*unpaired surrogate/);

      const stored = await db`select idempotency_key, event_data ->> 'note' as note from public.usage_events
                              where idempotency_key like ${`ext:${orgId}:${run}-%`} order by idempotency_key`;
      expect(stored).toEqual([
        { idempotency_key: `ext:${orgId}:${run}-ok-1`, note: null },
        { idempotency_key: `ext:${orgId}:${run}-ok-2`, note: "Ünïcødé 😀" },
      ]);
    });
  });

  describe("logUsage with text Postgres cannot store", () => {
    it("drops the event as invalid and keeps writing the valid ones", async () => {
      await flushUsage();
      const run = randomUUID();
      const before = usageQueueStats().invalid;
      const log = (key: string, eventData: Record<string, unknown>) =>
        logUsage({
          eventType: "record_created",
          userId: owner.id,
          orgId,
          eventData,
          idempotencyKey: `${run}:${key}`,
        });

      expect(() => {
        log("valid-1", { source: "app" });
        log("nul-value", { source: "app", note: "a\u0000" });
        log("nul-key", { "k\u0000": "v" });
        log("lone", { deep: [{ note: "\ud800" }] });
        logUsage({
          eventType: "record_created",
          userId: owner.id,
          orgId,
          idempotencyKey: `${run}:key\u0000`,
        });
        log("valid-2", { source: "api", note: "😀" });
      }).not.toThrow();
      expect(usageQueueStats().invalid).toBe(before + 4);

      await flushUsage();
      expect(usageQueueStats().pending).toBe(0);
      const stored = await db`select idempotency_key from public.usage_events
                              where idempotency_key like ${`${run}:%`} order by idempotency_key`;
      expect(stored.map((r) => r.idempotency_key)).toEqual([`${run}:valid-1`, `${run}:valid-2`]);
    });
  });
});
