import type { SupabaseClient } from "@supabase/supabase-js";

import { AppError } from "@/lib/errors";
import type { Database } from "@/lib/supabase/database.types";

import { RECORD_FILES_BUCKET } from "./schemas";

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

export async function downloadRecordFile(client: Client, storagePath: string) {
  const { data, error } = await client.storage.from(RECORD_FILES_BUCKET).download(storagePath);
  if (error) throw new AppError("not_found", "The stored file is missing.");
  return data;
}
