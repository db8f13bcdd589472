import { randomUUID } from "node:crypto";

import type { SupabaseClient } from "@supabase/supabase-js";

import { usageKeys } from "@repo/usage";

import { AppError } from "@/lib/errors";
import type { Database } from "@/lib/supabase/database.types";
import { assertWithinLimit } from "@/lib/usage/limits";
import { logUsage } from "@/lib/usage/server";

import { RECORD_FILES_BUCKET, safeFileName } from "./schemas";

type Client = SupabaseClient<Database>;

const fileColumns =
  "id, org_id, record_id, file_name, content_type, size_bytes, storage_path, uploaded_by, created_at";

export async function listRecordFiles(client: Client, orgId: string, recordId: string) {
  const { data, error } = await client
    .from("record_files")
    .select(fileColumns)
    .eq("org_id", orgId)
    .eq("record_id", recordId)
    .order("created_at", { ascending: false });
  if (error) throw new Error(`Could not list files: ${error.message}`);
  return data;
}

export async function getRecordFile(client: Client, id: string) {
  const { data, error } = await client.from("record_files").select(fileColumns).eq("id", id).maybeSingle();
  if (error) throw new Error(`Could not load the file: ${error.message}`);
  return data;
}

/**
 * Stores the object under <org>/<record>/<id>-<name> (the storage policies check the org folder)
 * and then its row. If the row cannot be written the object is removed again, so nothing is
 * left half-uploaded.
 */
export async function uploadRecordFile(
  client: Client,
  params: { orgId: string; recordId: string; userId: string; file: File },
) {
  await assertWithinLimit(params.orgId, "storage_used", params.file.size);
  const id = randomUUID();
  const path = `${params.orgId}/${params.recordId}/${id}-${safeFileName(params.file.name)}`;
  const contentType = params.file.type || "application/octet-stream";

  const upload = await client.storage
    .from(RECORD_FILES_BUCKET)
    .upload(path, params.file, { contentType, upsert: false });
  if (upload.error) throw new AppError("forbidden", `The file could not be stored: ${upload.error.message}`);

  const { data, error } = await client
    .from("record_files")
    .insert({
      id,
      org_id: params.orgId,
      record_id: params.recordId,
      uploaded_by: params.userId,
      storage_path: path,
      file_name: params.file.name,
      content_type: contentType,
      size_bytes: params.file.size,
    })
    .select(fileColumns)
    .single();
  if (error) {
    const cleanup = await client.storage.from(RECORD_FILES_BUCKET).remove([path]);
    if (cleanup.error)
      console.error("[files] could not remove an orphaned object", path, cleanup.error.message);
    throw new Error(`Could not save the file: ${error.message}`);
  }
  logUsage({
    eventType: "storage_used",
    userId: params.userId,
    orgId: params.orgId,
    quantity: data.size_bytes,
    eventData: { file_id: data.id, record_id: data.record_id, operation: "upload" },
    idempotencyKey: usageKeys.storageUpload(data.id),
  });
  return data;
}

/** Removes the object and its row, and meters the freed bytes against `userId`. */
export async function deleteRecordFile(
  client: Client,
  params: { orgId: string; fileId: string; userId: string },
) {
  const { orgId, fileId: id } = params;
  const file = await getRecordFile(client, id);
  if (!file || file.org_id !== orgId) throw new AppError("not_found", "File not found.");

  const removed = await client.storage.from(RECORD_FILES_BUCKET).remove([file.storage_path]);
  if (removed.error) throw new Error(`Could not delete the stored file: ${removed.error.message}`);

  const { error } = await client.from("record_files").delete().eq("id", id);
  if (error) throw new Error(`Could not delete the file: ${error.message}`);
  logUsage({
    eventType: "storage_used",
    userId: params.userId,
    orgId,
    quantity: -file.size_bytes,
    eventData: { file_id: file.id, record_id: file.record_id, operation: "delete" },
    idempotencyKey: usageKeys.storageDelete(file.id),
  });
  return file;
}

export async function downloadRecordFile(client: Client, storagePath: string) {
  const { data, error } = await client.storage.from(RECORD_FILES_BUCKET).download(storagePath);
  if (error) throw new AppError("not_found", "The stored file is missing.");
  return data;
}
