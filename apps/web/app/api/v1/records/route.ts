import { NextResponse } from "next/server";

import { readJsonBody, validationError } from "@/lib/api/responses";
import { withApiKey } from "@/lib/api/with-api-key";
import { listRecords } from "@/lib/records/queries";
import { createRecord } from "@/lib/records/mutations";
import { createRecordSchema, listRecordsQuerySchema } from "@/lib/records/schemas";

/** GET /api/v1/records?limit=&offset=&tag=&include_archived= — the key's organization's records. */
export const GET = withApiKey(async (request, { principal, admin }) => {
  const query = listRecordsQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) throw validationError(query.error, "query");

  const { records, total } = await listRecords(admin, {
    orgId: principal.orgId,
    limit: query.data.limit,
    offset: query.data.offset,
    tag: query.data.tag,
    includeArchived: query.data.include_archived,
  });
  return NextResponse.json({ data: records, total, limit: query.data.limit, offset: query.data.offset });
});

/** POST /api/v1/records {title, body?, tags?} — creates a record attributed to the key's creator. */
export const POST = withApiKey(async (request, { principal, admin }) => {
  const body = createRecordSchema.safeParse(await readJsonBody(request, 64 * 1024));
  if (!body.success) throw validationError(body.error, "record");

  const record = await createRecord(admin, {
    orgId: principal.orgId,
    userId: principal.userId,
    input: body.data,
    source: "api",
  });
  return NextResponse.json({ data: record }, { status: 201 });
});
