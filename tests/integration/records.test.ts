import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { AppError } from "@/lib/errors";
import { getRecord, listRecords } from "@/lib/records/queries";
import { createRecord, deleteRecord } from "@/lib/records/mutations";

import { anonClient, createOrg, createTestUser, sql, type TestUser } from "../support/supabase";

describe("records within an organization", () => {
  const db = sql();
  let owner: TestUser, member: TestUser, colleague: TestUser, outsider: TestUser;
  let orgId: string, otherOrgId: string;

  beforeAll(async () => {
    [owner, member, colleague, outsider] = await Promise.all([
      createTestUser(),
      createTestUser(),
      createTestUser(),
      createTestUser(),
    ]);
    orgId = await createOrg(owner, [
      [member, "member"],
      [colleague, "member"],
    ]);
    otherOrgId = await createOrg(outsider);
  });
  afterAll(() => db.end());

  it("creates, lists and views records for members", async () => {
    const record = await createRecord(member.client, {
      orgId,
      userId: member.id,
      input: { title: "Plan", body: "text", tags: ["a"] },
    });
    expect(record).toMatchObject({
      org_id: orgId,
      created_by: member.id,
      title: "Plan",
      tags: ["a"],
      archived: false,
    });

    const { records, total } = await listRecords(owner.client, { orgId });
    expect(total).toBeGreaterThanOrEqual(1);
    expect(records.map((r) => r.id)).toContain(record.id);
    expect(await getRecord(colleague.client, orgId, record.id)).toMatchObject({ id: record.id });
  });

  it("never crosses the organization boundary", async () => {
    const record = await createRecord(owner.client, {
      orgId,
      userId: owner.id,
      input: { title: "Secret", body: "", tags: [] },
    });

    expect(await getRecord(outsider.client, orgId, record.id)).toBeNull();
    expect((await listRecords(outsider.client, { orgId })).records).toEqual([]);
    await expect(
      createRecord(outsider.client, {
        orgId,
        userId: outsider.id,
        input: { title: "Intrusion", body: "", tags: [] },
      }),
    ).rejects.toMatchObject({ code: "forbidden" });
    await expect(deleteRecord(outsider.client, orgId, record.id)).rejects.toBeInstanceOf(AppError);

    // Not even with the org id of their own organization on someone else's record.
    const moved = await outsider.client
      .from("records")
      .update({ org_id: otherOrgId })
      .eq("id", record.id)
      .select("id");
    expect(moved.data ?? []).toEqual([]);
    const anon = await anonClient().from("records").select("id").eq("id", record.id);
    expect(anon.data ?? []).toEqual([]);

    const rows = await db`select org_id, title from public.records where id = ${record.id}`;
    expect(rows[0]).toEqual({ org_id: orgId, title: "Secret" });
  });

  it("refuses a record attributed to someone else", async () => {
    const forged = await member.client
      .from("records")
      .insert({ org_id: orgId, created_by: owner.id, title: "Forged" });
    expect(forged.error?.code).toBe("42501");
  });

  it("lets authors, admins and owners delete, but not other members", async () => {
    const mine = await createRecord(member.client, {
      orgId,
      userId: member.id,
      input: { title: "Mine", body: "", tags: [] },
    });
    await expect(deleteRecord(colleague.client, orgId, mine.id)).rejects.toMatchObject({ code: "not_found" });
    expect(await getRecord(owner.client, orgId, mine.id)).not.toBeNull();

    await deleteRecord(member.client, orgId, mine.id);
    expect(await getRecord(owner.client, orgId, mine.id)).toBeNull();

    const theirs = await createRecord(colleague.client, {
      orgId,
      userId: colleague.id,
      input: { title: "Theirs", body: "", tags: [] },
    });
    await deleteRecord(owner.client, orgId, theirs.id);
    expect(await getRecord(owner.client, orgId, theirs.id)).toBeNull();
  });

  it("rejects invalid records at the database too", async () => {
    const blank = await owner.client
      .from("records")
      .insert({ org_id: orgId, created_by: owner.id, title: "   " });
    expect(blank.error?.code).toBe("23514");
  });
});
