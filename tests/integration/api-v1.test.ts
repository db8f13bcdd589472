import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { GET, POST } from "@/app/api/v1/records/route";
import { listApiKeys } from "@/lib/api-keys/queries";
import { createApiKey, revokeApiKey } from "@/lib/api-keys/mutations";
import { createRecord } from "@/lib/records/mutations";

import { createOrg, createTestUser, sql, type TestUser } from "../support/supabase";

const noParams = { params: Promise.resolve({}) };

function request(
  method: "GET" | "POST",
  key: string | null,
  init: { body?: string; query?: string; contentType?: string } = {},
) {
  const headers = new Headers();
  if (key) headers.set("authorization", `Bearer ${key}`);
  if (init.body !== undefined) headers.set("content-type", init.contentType ?? "application/json");
  return new Request(`http://localhost/api/v1/records${init.query ?? ""}`, {
    method,
    headers,
    body: init.body,
  });
}

async function json(response: Response) {
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("API keys and /api/v1/records", () => {
  const db = sql();
  let owner: TestUser, member: TestUser, otherOwner: TestUser;
  let orgId: string, otherOrgId: string;
  let secret: string, keyId: string, otherSecret: string;

  beforeAll(async () => {
    [owner, member, otherOwner] = await Promise.all([createTestUser(), createTestUser(), createTestUser()]);
    orgId = await createOrg(owner, [[member, "member"]]);
    otherOrgId = await createOrg(otherOwner);
    const key = await createApiKey(owner.client, { orgId, userId: owner.id, name: "ci" });
    secret = key.secret;
    keyId = key.id;
    otherSecret = (
      await createApiKey(otherOwner.client, { orgId: otherOrgId, userId: otherOwner.id, name: "other" })
    ).secret;
    await createRecord(otherOwner.client, {
      orgId: otherOrgId,
      userId: otherOwner.id,
      input: { title: "Other org", body: "", tags: [] },
    });
  });
  afterAll(() => db.end());

  it("stores only a hash of the secret and shows it to owners and admins only", async () => {
    const rows = await db`select key_hash, prefix from public.api_keys where id = ${keyId}`;
    expect(rows[0]?.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]?.key_hash).not.toContain(secret);
    expect(secret.startsWith(rows[0]?.prefix as string)).toBe(true);

    expect((await listApiKeys(owner.client, orgId)).map((k) => k.id)).toEqual([keyId]);
    expect(await listApiKeys(member.client, orgId)).toEqual([]);
    await expect(
      createApiKey(member.client, { orgId, userId: member.id, name: "nope" }),
    ).rejects.toMatchObject({ code: "forbidden" });
  });

  it("creates and lists records in the key's organization only", async () => {
    const created = await json(
      await POST(
        request("POST", secret, { body: JSON.stringify({ title: "From API", tags: ["api"] }) }),
        noParams,
      ),
    );
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({
      org_id: orgId,
      created_by: owner.id,
      title: "From API",
      tags: ["api"],
    });

    const listed = await json(await GET(request("GET", secret, { query: "?limit=10" }), noParams));
    expect(listed.status).toBe(200);
    const titles = (listed.body.data as { title: string; org_id: string }[]).map((r) => r.title);
    expect(titles).toContain("From API");
    expect(titles).not.toContain("Other org");
    expect((listed.body.data as { org_id: string }[]).every((r) => r.org_id === orgId)).toBe(true);

    const other = await json(await GET(request("GET", otherSecret), noParams));
    expect((other.body.data as { title: string }[]).map((r) => r.title)).toEqual(["Other org"]);
  });

  it("answers bad input with 4xx JSON errors that say what is wrong, and writes nothing", async () => {
    const before = await db`select count(*)::int as n from public.records where org_id = ${orgId}`;
    const cases: [Request, number, string, RegExp][] = [
      [request("POST", secret, { body: "{not json" }), 400, "bad_request", /not valid JSON/],
      [request("POST", secret, { body: JSON.stringify({ body: "no title" }) }), 400, "bad_request", /title/],
      [request("POST", secret, { body: JSON.stringify({ title: 42 }) }), 400, "bad_request", /title/],
      [
        request("POST", secret, { body: JSON.stringify({ title: "x", tags: "a" }) }),
        400,
        "bad_request",
        /tags/,
      ],
      [
        request("POST", secret, { body: "title=x", contentType: "application/x-www-form-urlencoded" }),
        400,
        "bad_request",
        /JSON/,
      ],
      [
        request("POST", secret, { body: JSON.stringify({ title: "x".repeat(70_000) }) }),
        413,
        "payload_too_large",
        /at most/,
      ],
      [request("GET", secret, { query: "?limit=0" }), 400, "bad_request", /limit/],
    ];
    for (const [req, status, code, message] of cases) {
      const handler = req.method === "GET" ? GET : POST;
      const res = await json(await handler(req, noParams));
      expect(res.status, `${req.method} ${code}`).toBe(status);
      expect(res.body.error).toMatchObject({ code, message: expect.stringMatching(message) });
    }
    const after = await db`select count(*)::int as n from public.records where org_id = ${orgId}`;
    expect(after[0]?.n).toBe(before[0]?.n);
  });

  it("refuses missing, unknown and revoked keys with 401", async () => {
    for (const key of [null, "mlk_unknown", `${secret}x`]) {
      const res = await json(await GET(request("GET", key), noParams));
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: "unauthorized" });
    }

    const temp = await createApiKey(owner.client, { orgId, userId: owner.id, name: "temp" });
    expect((await GET(request("GET", temp.secret), noParams)).status).toBe(200);
    await revokeApiKey(owner.client, orgId, temp.id);
    const revoked = await json(await GET(request("GET", temp.secret), noParams));
    expect(revoked.status).toBe(401);
    expect(revoked.body.error).toMatchObject({ message: "This API key is unknown or has been revoked." });
    await expect(revokeApiKey(owner.client, orgId, temp.id)).rejects.toMatchObject({ code: "not_found" });
  });

  it("does not let a member revoke keys, nor anyone touch another org's keys", async () => {
    await expect(revokeApiKey(member.client, orgId, keyId)).rejects.toMatchObject({ code: "not_found" });
    await expect(revokeApiKey(otherOwner.client, orgId, keyId)).rejects.toMatchObject({ code: "not_found" });
    expect((await GET(request("GET", secret), noParams)).status).toBe(200);
  });
});
