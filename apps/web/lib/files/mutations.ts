import { randomUUID } from "node:crypto";

import type { SupabaseClient } from "@supabase/supabase-js";

import { AppError } from "@/lib/errors";
import type { Database } from "@/lib/supabase/database.types";
import { assertWithinLimit } from "@/lib/usage/limits";

import { getRecordFile } from "./queries";
import { RECORD_FILES_BUCKET, safeFileName } from "./schemas";

type Client = SupabaseClient<Database>;

/**
 * Prepares an upload of a new file to a record: checks the storage limit against the file's
 * declared size and hands out a signed upload URL for <org>/<record>/<file id>-<name>, which the
 * browser uploads to straight (files up to 50 MB never pass through a server action). Created with
 * the caller's client, so the bucket's policies decide whether they may upload there. Storage
 * itself then enforces the limit with the real size and records the usage, and the file's
 * record_files row appears with the object (database triggers on storage.objects).
 */
export async function prepareRecordFileUpload(
  client: Client,
  params: { orgId: string; recordId: string; fileName: string; size: number },
) {
  await assertWithinLimit(params.orgId, "storage_used", params.size);
  const fileId = randomUUID();
  const path = `${params.orgId}/${params.recordId}/${fileId}-${safeFileName(params.fileName)}`;
  const { data, error } = await client.storage.from(RECORD_FILES_BUCKET).createSignedUploadUrl(path);
  if (error) throw new AppError("forbidden", `The upload could not be prepared: ${error.message}`);
  return { fileId, bucket: RECORD_FILES_BUCKET, path: data.path, token: data.token };
}

/**
 * Deletes a file by deleting its object through Storage, as the caller: the bucket's policies let
 * the uploader, the record's author, admins and owners do it. The record_files row and the
 * negative storage_used event follow from the deletion (database triggers).
 */
export async function deleteRecordFile(client: Client, params: { orgId: string; fileId: string }) {
  const file = await getRecordFile(client, params.fileId);
  if (!file || file.org_id !== params.orgId) throw new AppError("not_found", "File not found.");

  const removed = await client.storage.from(RECORD_FILES_BUCKET).remove([file.storage_path]);
  if (removed.error) throw new Error(`Could not delete the stored file: ${removed.error.message}`);
  if (removed.data.length === 0)
    throw new AppError(
      "forbidden",
      "Only the file's uploader, the record's author, admins and owners can delete this file.",
    );
  return file;
}
