import type { SupabaseClient } from "@supabase/supabase-js";

import { usageKeys } from "@repo/usage";

import { AppError } from "@/lib/errors";
import type { Database } from "@/lib/supabase/database.types";
import { assertWithinLimit } from "@/lib/usage/limits";
import { logUsage } from "@/lib/usage/server";

import type { CreateRecordInput } from "./schemas";

type Client = SupabaseClient<Database>;

export const recordColumns = "id, org_id, title, body, tags, archived, created_by, created_at, updated_at";

export interface ListRecordsParams {
  orgId: string;
  limit?: number;
  offset?: number;
  tag?: string;
  includeArchived?: boolean;
}

/** One page of an organization's records, newest first, with the total count. */
export async function listRecords(client: Client, params: ListRecordsParams) {
  const limit = params.limit ?? 50;
  const offset = params.offset ?? 0;
  let query = client
    .from("records")
    .select(recordColumns, { count: "exact" })
    .eq("org_id", params.orgId)
    .order("created_at", { ascending: false })
    .order("id")
    .range(offset, offset + limit - 1);
  if (params.tag) query = query.contains("tags", [params.tag]);
  if (!params.includeArchived) query = query.eq("archived", false);

  const { data, count, error } = await query;
  if (error) throw new Error(`Could not list records: ${error.message}`);
  return { records: data, total: count ?? data.length };
}

export async function getRecord(client: Client, orgId: string, id: string) {
  const { data, error } = await client
    .from("records")
    .select(recordColumns)
    .eq("org_id", orgId)
    .eq("id", id)
    .maybeSingle();
  if (error) throw new Error(`Could not load the record: ${error.message}`);
  return data;
}

/**
 * Creates a record in the organization, within the plan's record limit. `client` decides whose
 * rights apply (RLS, or an API key's org); callers have checked the caller may act in the org.
 */
export async function createRecord(
  client: Client,
  params: { orgId: string; userId: string; input: CreateRecordInput; source?: "app" | "api" },
) {
  await assertWithinLimit(params.orgId, "record_created", 1);
  const { data, error } = await client
    .from("records")
    .insert({
      org_id: params.orgId,
      created_by: params.userId,
      title: params.input.title,
      body: params.input.body,
      tags: params.input.tags,
    })
    .select(recordColumns)
    .single();
  if (error) {
    if (error.code === "42501")
      throw new AppError("forbidden", "You cannot create records in this organization.");
    throw new Error(`Could not create the record: ${error.message}`);
  }
  logUsage({
    eventType: "record_created",
    userId: params.userId,
    orgId: params.orgId,
    eventData: { record_id: data.id, source: params.source ?? "app" },
    idempotencyKey: usageKeys.recordCreated(data.id),
  });
  return data;
}

export async function deleteRecord(client: Client, orgId: string, id: string) {
  const { data, error } = await client.from("records").delete().eq("org_id", orgId).eq("id", id).select("id");
  if (error) throw new Error(`Could not delete the record: ${error.message}`);
  if (data.length === 0) {
    throw new AppError(
      "not_found",
      "Record not found, or you may not delete it (only its author, admins and owners can).",
    );
  }
}
