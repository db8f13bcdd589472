// Files on records: uploads through signed upload URLs, the bucket's policies, and the storage
// gauge, which follows the bytes Storage holds whichever way an object gets there or goes away.
import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { downloadRecordFile, listRecordFiles } from "@/lib/files/queries";
import { deleteRecordFile } from "@/lib/files/mutations";
import { RECORD_FILES_BUCKET } from "@/lib/files/schemas";
import { createRecord } from "@/lib/records/mutations";
import { getCurrentUsage } from "@/lib/usage/queries";

import {
  createOrg,
  createTestUser,
  serviceClient,
  sql,
  uploadFileAs,
  type TestUser,
} from "../support/supabase";

const storedBytes = async (orgId: string) =>
  (
    await getCurrentUsage(
      { orgId },
      { start: new Date(Date.now() - 86_400_000), end: new Date(Date.now() + 60_000) },
    )
  ).totals.storage_used.total;

describe("files attached to records", () => {
  const db = sql();
  let owner: TestUser, member: TestUser, colleague: TestUser, outsider: TestUser;
  let orgId: string, recordId: string;

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
    recordId = (
      await createRecord(owner.client, {
        orgId,
        userId: owner.id,
        input: { title: "With files", body: "", tags: [] },
      })
    ).id;
  });
  afterAll(() => db.end());

  it("uploads, lists, downloads and deletes a file, metering the bytes Storage holds", async () => {
    const before = await storedBytes(orgId);
    const content = "hello, storage — ünïcödé\n".repeat(50);
    const file = new File([content], "notes/../report 1.txt", { type: "text/plain" });
    const row = await uploadFileAs(member, { orgId, recordId, file });
    expect(row).toMatchObject({
      file_name: "notes/../report 1.txt",
      size_bytes: file.size,
      content_type: "text/plain",
      uploaded_by: member.id,
    });
    expect(row.storage_path.startsWith(`${orgId}/${recordId}/`)).toBe(true);
    // The user's name never adds folders or climbs out of the record's folder.
    expect(row.storage_path.split("/")).toHaveLength(3);
    expect(row.storage_path).not.toContain("..");
    expect(await storedBytes(orgId)).toBe(before + file.size);

    expect((await listRecordFiles(owner.client, orgId, recordId)).map((f) => f.id)).toEqual([row.id]);
    const blob = await downloadRecordFile(owner.client, row.storage_path);
    expect(await blob.text()).toBe(content);

    const deleted = await deleteRecordFile(owner.client, { orgId, fileId: row.id });
    expect(deleted.size_bytes).toBe(file.size);
    expect(await listRecordFiles(owner.client, orgId, recordId)).toEqual([]);
    expect(await db`select name from storage.objects where name = ${row.storage_path}`).toEqual([]);
    expect(await storedBytes(orgId)).toBe(before);
    const events =
      await db`select user_id, quantity::float8 as quantity, event_data ->> 'operation' as operation
                            from public.usage_events
                            where org_id = ${orgId} and event_type = 'storage_used' and event_data ->> 'file_id' = ${row.id}
                            order by quantity desc`;
    expect(events).toEqual([
      { user_id: member.id, quantity: file.size, operation: "upload" },
      { user_id: owner.id, quantity: -file.size, operation: "delete" },
    ]);
  });

  it("keeps another organization's users away from the files", async () => {
    const row = await uploadFileAs(owner, {
      orgId,
      recordId,
      file: new File(["private"], "private.txt", { type: "text/plain" }),
    });

    expect(await listRecordFiles(outsider.client, orgId, recordId)).toEqual([]);
    await expect(downloadRecordFile(outsider.client, row.storage_path)).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(deleteRecordFile(outsider.client, { orgId, fileId: row.id })).rejects.toMatchObject({
      code: "not_found",
    });

    const bucket = outsider.client.storage.from(RECORD_FILES_BUCKET);
    const upload = await bucket.upload(`${orgId}/${recordId}/${randomUUID()}-intruder.txt`, new Blob(["x"]), {
      contentType: "text/plain",
    });
    expect(upload.error).not.toBeNull();
    const signed = await bucket.createSignedUploadUrl(`${orgId}/${recordId}/${randomUUID()}-intruder.txt`);
    expect(signed.error).not.toBeNull();
    const removal = await bucket.remove([row.storage_path]);
    expect(removal.data ?? []).toEqual([]);

    const objects =
      await db`select name from storage.objects where bucket_id = ${RECORD_FILES_BUCKET} and name like ${`${orgId}/%`}`;
    expect(objects.map((o) => o.name)).toEqual([row.storage_path]);
    expect(await (await downloadRecordFile(owner.client, row.storage_path)).text()).toBe("private");
    await deleteRecordFile(owner.client, { orgId, fileId: row.id });
  });

  it("lets only the uploader, the record's author, admins and owners delete a file", async () => {
    const row = await uploadFileAs(member, {
      orgId,
      recordId,
      file: new File(["mine"], "mine.txt", { type: "text/plain" }),
    });
    await expect(deleteRecordFile(colleague.client, { orgId, fileId: row.id })).rejects.toMatchObject({
      code: "forbidden",
    });
    expect(await listRecordFiles(owner.client, orgId, recordId)).toHaveLength(1);
    // The record's author (the owner here) may.
    await deleteRecordFile(owner.client, { orgId, fileId: row.id });
    expect(await listRecordFiles(owner.client, orgId, recordId)).toEqual([]);
  });

  it("meters an upload made straight to Storage with a user's token, and refuses bad names", async () => {
    const before = await storedBytes(orgId);
    const bucket = member.client.storage.from(RECORD_FILES_BUCKET);
    const fileId = randomUUID();
    const path = `${orgId}/${recordId}/${fileId}-direct.bin`;
    const direct = await bucket.upload(path, new Blob(["y".repeat(777)]), {
      contentType: "application/octet-stream",
    });
    expect(direct.error).toBeNull();
    expect(await storedBytes(orgId)).toBe(before + 777);
    const [row] =
      await db`select id, size_bytes::int as size, uploaded_by from public.record_files where storage_path = ${path}`;
    expect(row).toEqual({ id: fileId, size: 777, uploaded_by: member.id });

    // Outside a record's folder, or without a file id, nothing is stored.
    for (const name of [
      `${orgId}/loose.txt`,
      `${orgId}/${recordId}/no-id.txt`,
      `${orgId}/${randomUUID()}/${randomUUID()}-x.txt`,
    ]) {
      const refused = await bucket.upload(name, new Blob(["z"]), { contentType: "text/plain" });
      expect(refused.error, name).not.toBeNull();
    }
    expect(await storedBytes(orgId)).toBe(before + 777);
    const removed = await bucket.remove([path]);
    expect(removed.data).toHaveLength(1);
    expect(await storedBytes(orgId)).toBe(before);
  });

  it("writes record_files only from Storage: a forged size changes nothing", async () => {
    const before = await storedBytes(orgId);
    const forged = await member.client.from("record_files").insert({
      org_id: orgId,
      record_id: recordId,
      uploaded_by: member.id,
      storage_path: `${orgId}/${recordId}/${randomUUID()}-huge.bin`,
      file_name: "huge.bin",
      content_type: "application/octet-stream",
      size_bytes: 1e15,
    });
    expect(forged.error?.code).toBe("42501");

    const row = await uploadFileAs(member, {
      orgId,
      recordId,
      file: new File(["abc"], "small.txt", { type: "text/plain" }),
    });
    const patched = await member.client
      .from("record_files")
      .update({ size_bytes: 1e15 })
      .eq("id", row.id)
      .select("id");
    expect(patched.error?.code).toBe("42501");
    const dropped = await member.client.from("record_files").delete().eq("id", row.id).select("id");
    expect(dropped.error?.code).toBe("42501");
    expect(await storedBytes(orgId)).toBe(before + 3);
    await deleteRecordFile(member.client, { orgId, fileId: row.id });
    expect(await storedBytes(orgId)).toBe(before);
  });

  it("refuses to delete a record that still has files, so no object outlives its record", async () => {
    const record = await createRecord(owner.client, {
      orgId,
      userId: owner.id,
      input: { title: "Has a file", body: "", tags: [] },
    });
    await uploadFileAs(owner, { orgId, recordId: record.id, file: new File(["q"], "q.txt") });
    const direct = await owner.client.from("records").delete().eq("id", record.id).select("id");
    expect(direct.error?.code).toBe("23503");
    const objects =
      await db`select count(*)::int as n from storage.objects where name like ${`${orgId}/${record.id}/%`}`;
    expect(objects[0]?.n).toBe(1);
  });

  it("enforces the storage limit with the bytes actually uploaded, not the size declared", async () => {
    const small = await createTestUser();
    const smallOrg = await createOrg(small); // free plan: 1 GB
    const record = await createRecord(small.client, {
      orgId: smallOrg,
      userId: small.id,
      input: { title: "r", body: "", tags: [] },
    });
    await db`insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
             values (${small.id}, ${smallOrg}, 'storage_used', ${1024 ** 3 - 100}, '{}', now(), ${`seed:${randomUUID()}`})`;
    const { prepareRecordFileUpload } = await import("@/lib/files/mutations");
    // Declares 10 bytes, sends 500.
    const upload = await prepareRecordFileUpload(small.client, {
      orgId: smallOrg,
      recordId: record.id,
      fileName: "liar.bin",
      size: 10,
    });
    const sent = await small.client.storage
      .from(upload.bucket)
      .uploadToSignedUrl(upload.path, upload.token, new Blob(["x".repeat(500)]));
    expect(sent.error).toMatchObject({ status: 402 });
    expect(sent.error?.message).toMatch(/Limit reached for Storage/);
    expect(await db`select 1 from storage.objects where name = ${upload.path}`).toEqual([]);
    expect(await db`select 1 from public.record_files where org_id = ${smallOrg}`).toEqual([]);
    // Declaring the truth is refused before any URL is handed out.
    await expect(
      prepareRecordFileUpload(small.client, {
        orgId: smallOrg,
        recordId: record.id,
        fileName: "x",
        size: 500,
      }),
    ).rejects.toMatchObject({ code: "payment_required" });
    const exact = await uploadFileAs(small, {
      orgId: smallOrg,
      recordId: record.id,
      file: new File(["x".repeat(100)], "fits.bin"),
    });
    expect(exact.size_bytes).toBe(100);
    expect(
      (await serviceClient().rpc("check_usage_limit", { p_org_id: smallOrg, p_metric: "storage_used" })).data,
    ).toMatchObject({ used: 1024 ** 3, exceeded: true });
  });
});
