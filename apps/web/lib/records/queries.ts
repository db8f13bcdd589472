import type { SupabaseClient } from "@supabase/supabase-js";

import type { Database } from "@/lib/supabase/database.types";

type Client = SupabaseClient<Database>;

export const recordColumns = "id, org_id, title, body, tags, archived, created_by, created_at, updated_at";

export interface ListRecordsParams {
  orgId: string;
  limit?: number;
  offset?: number;
  tag?: string;
  includeArchived?: boolean;
}

/**
 * One page of an organization's records, newest first, with the total count. A page past the end
 * is empty (with the true total); the tag filter matches exactly that tag, whatever it contains.
 */
export async function listRecords(client: Client, params: ListRecordsParams) {
  const limit = params.limit ?? 50;
  const offset = params.offset ?? 0;
  // The tag goes to PostgREST as a value, never as filter syntax: a one-element array literal,
  // double-quoted with `\` and `"` escaped (postgrest-js `.contains(col, [tag])` writes it bare,
  // so `a"b`, `}` or `a,b` would be read as literal syntax).
  const tagLiteral = params.tag ? `{"${params.tag.replace(/[\\"]/g, "\\$&")}"}` : null;
  const matching = (head: boolean) => {
    let query = client
      .from("records")
      .select(recordColumns, { count: "exact", head })
      .eq("org_id", params.orgId);
    if (tagLiteral) query = query.filter("tags", "cs", tagLiteral);
    if (!params.includeArchived) query = query.eq("archived", false);
    return query;
  };

  const { data, count, error, status } = await matching(false)
    .order("created_at", { ascending: false })
    .order("id")
    .range(offset, offset + limit - 1);
  if (error) {
    // PostgREST answers a range past the end with 416 (PGRST103) and no count: count alone.
    if (error.code !== "PGRST103" && status !== 416)
      throw new Error(`Could not list records: ${error.message}`);
    const counted = await matching(true);
    if (counted.error) throw new Error(`Could not count records: ${counted.error.message}`);
    const none: NonNullable<Awaited<ReturnType<typeof matching>>["data"]> = [];
    return { records: none, total: counted.count ?? 0 };
  }
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
