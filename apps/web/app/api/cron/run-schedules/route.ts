import { NextResponse } from "next/server";

import { withCron } from "@/lib/api/with-cron";
import { runDueSchedules } from "@/lib/automations/scheduler";
import { createAdminSupabaseClient } from "@/lib/supabase/admin";

export const dynamic = "force-dynamic";

/** Runs the due automation schedules. Scheduled every minute in vercel.json. */
export const GET = withCron(async () => {
  const started = Date.now();
  const results = await runDueSchedules(createAdminSupabaseClient());
  return NextResponse.json({
    ran: results.filter((r) => r.outcome === "ran").length,
    failed: results.filter((r) => r.outcome === "failed").length,
    results,
    durationMs: Date.now() - started,
  });
});
