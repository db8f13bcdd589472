import { withSession } from "@/lib/api/with-session";
import { handleUsageExport } from "@/lib/usage/export";

/**
 * GET /api/usage/export?org=&member=&scope=&from=&to=&granularity=&metrics=&format= — the signed-in
 * user's usage as a streamed CSV or JSON Lines file (see lib/usage/export.ts and the README).
 */
export const GET = withSession((request, ctx) => handleUsageExport(request, ctx));
