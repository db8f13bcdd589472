import { NextResponse } from "next/server";

import { withApiKey } from "@/lib/api/with-api-key";
import { parameterError, parseUsageQueryParams } from "@/lib/usage/export-schemas";
import { queryUsageBuckets } from "@/lib/usage/query-api";

/**
 * GET /api/v1/usage?metric=&from=&to=&window=day|month&group_by=member|dimension — the key's
 * organization's usage of one metric per bucket, exact (roll-ups plus the live tail, the numbers
 * the dashboard shows), every bucket of the range included.
 */
export const GET = withApiKey(async (request, { principal, admin }) => {
  const parsed = parseUsageQueryParams(new URL(request.url).searchParams);
  if (!parsed.ok) throw parameterError(parsed.issues);
  const data = await queryUsageBuckets(admin, principal.orgId, parsed.data, request.signal);
  return NextResponse.json({ data }, { headers: { "cache-control": "private, no-store" } });
});
