import type { SupabaseClient } from "@supabase/supabase-js";

import { AppError } from "@/lib/errors";
import type { Database } from "@/lib/supabase/database.types";
import { databaseError, REQUEST_SOURCE_HEADER } from "@/lib/supabase/errors";

import { recordColumns } from "./queries";
import type { CreateRecordInput } from "./schemas";

type Client = SupabaseClient<Database>;

/** Writes to records. The database meters and limits every insert (see the metering migration). */

/**
 * Creates a record in the organization. `client` decides whose rights apply (RLS, or an API key's
 * org); callers have checked the caller may act in the org. The database checks the plan's record
 * limit and records the record_created event in the insert's own transaction (a trigger on
 * records), so a record is metered and limited however it is created; past the limit the insert is
 * refused with a 402.
 */
export async function createRecord(
  client: Client,
  params: { orgId: string; userId: string; input: CreateRecordInput; source?: "app" | "api" },
) {
  const { data, error } = await client
    .from("records")
    .insert({
      org_id: params.orgId,
      created_by: params.userId,
      title: params.input.title,
      body: params.input.body,
      tags: params.input.tags,
    })
    .setHeader(REQUEST_SOURCE_HEADER, params.source ?? "app")
    .select(recordColumns)
    .single();
  if (error)
    throw databaseError(error, "Could not create the record", {
      forbidden: "You cannot create records in this organization.",
    });
  return data;
}

export async function deleteRecord(client: Client, orgId: string, id: string) {
  const { data, error } = await client.from("records").delete().eq("org_id", orgId).eq("id", id).select("id");
  if (error)
    throw databaseError(error, "Could not delete the record", {
      conflict: "Delete the record's files first.",
    });
  if (data.length === 0) {
    throw new AppError(
      "not_found",
      "Record not found, or you may not delete it (only its author, admins and owners can).",
    );
  }
}
