import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { deleteRecordFile, downloadRecordFile, listRecordFiles, uploadRecordFile } from "@/lib/files/queries";
import { RECORD_FILES_BUCKET } from "@/lib/files/schemas";
import { createRecord } from "@/lib/records/queries";

import { createOrg, createTestUser, sql, type TestUser } from "../support/supabase";

describe("files attached to records", () => {
  const db = sql();
  let owner: TestUser, member: TestUser, outsider: TestUser;
  let orgId: string, recordId: string;

  beforeAll(async () => {
    [owner, member, outsider] = await Promise.all([createTestUser(), createTestUser(), createTestUser()]);
    orgId = await createOrg(owner, [[member, "member"]]);
    recordId = (
      await createRecord(owner.client, {
        orgId,
        userId: owner.id,
        input: { title: "With files", body: "", tags: [] },
      })
    ).id;
  });
  afterAll(() => db.end());

  it("uploads, lists, downloads and deletes a file, knowing its size", async () => {
    const content = "hello, storage — ünïcödé\n".repeat(50);
    const file = new File([content], "notes/../report 1.txt", { type: "text/plain" });
    const row = await uploadRecordFile(member.client, { orgId, recordId, userId: member.id, file });
    expect(row).toMatchObject({
      file_name: "notes/../report 1.txt",
      size_bytes: file.size,
      content_type: "text/plain",
    });
    expect(row.storage_path.startsWith(`${orgId}/${recordId}/`)).toBe(true);
    // The user's name never adds folders or climbs out of the record's folder.
    expect(row.storage_path.split("/")).toHaveLength(3);
    expect(row.storage_path).not.toContain("..");

    expect((await listRecordFiles(owner.client, orgId, recordId)).map((f) => f.id)).toEqual([row.id]);
    const blob = await downloadRecordFile(owner.client, row.storage_path);
    expect(await blob.text()).toBe(content);

    const deleted = await deleteRecordFile(owner.client, { orgId, fileId: row.id, userId: owner.id });
    expect(deleted.size_bytes).toBe(file.size);
    expect(await listRecordFiles(owner.client, orgId, recordId)).toEqual([]);
    const objects = await db`select name from storage.objects where name = ${row.storage_path}`;
    expect(objects).toEqual([]);
  });

  it("keeps another organization's users away from the files", async () => {
    const row = await uploadRecordFile(owner.client, {
      orgId,
      recordId,
      userId: owner.id,
      file: new File(["private"], "private.txt", { type: "text/plain" }),
    });

    expect(await listRecordFiles(outsider.client, orgId, recordId)).toEqual([]);
    await expect(downloadRecordFile(outsider.client, row.storage_path)).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(
      deleteRecordFile(outsider.client, { orgId, fileId: row.id, userId: outsider.id }),
    ).rejects.toMatchObject({
      code: "not_found",
    });

    const upload = await outsider.client.storage
      .from(RECORD_FILES_BUCKET)
      .upload(`${orgId}/${recordId}/intruder.txt`, new Blob(["x"]), { contentType: "text/plain" });
    expect(upload.error).not.toBeNull();
    const removal = await outsider.client.storage.from(RECORD_FILES_BUCKET).remove([row.storage_path]);
    expect(removal.data ?? []).toEqual([]);

    const objects =
      await db`select name from storage.objects where bucket_id = ${RECORD_FILES_BUCKET} and name like ${`${orgId}/%`}`;
    expect(objects.map((o) => o.name)).toEqual([row.storage_path]);
    expect(await (await downloadRecordFile(owner.client, row.storage_path)).text()).toBe("private");
  });

  it("refuses a file row for a record of another organization", async () => {
    const outsiderOrg = await createOrg(outsider);
    const forged = await outsider.client.from("record_files").insert({
      org_id: outsiderOrg,
      record_id: recordId,
      uploaded_by: outsider.id,
      storage_path: `${outsiderOrg}/${recordId}/x.txt`,
      file_name: "x.txt",
      content_type: "text/plain",
      size_bytes: 1,
    });
    expect(forged.error?.code).toBe("23503");
  });
});
