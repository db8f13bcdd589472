import "server-only";

import type { SupabaseClient } from "@supabase/supabase-js";

import type { Database } from "@/lib/supabase/database.types";
import { isAppError } from "@/lib/errors";

import { nextCronRun } from "./cron";
import { runAutomation } from "./mutations";

type Client = SupabaseClient<Database>;

export interface ScheduleRunResult {
  scheduleId: string;
  automationId: string;
  outcome: "ran" | "skipped" | "disabled" | "refused" | "failed";
  runId?: string;
  message?: string;
}

/**
 * Runs every enabled schedule whose time has come. Each schedule is claimed by moving its
 * next_run_at forward with a compare-and-set, so two overlapping cron calls never run it twice.
 * One schedule's failure does not stop the others.
 */
export async function runDueSchedules(admin: Client, now: Date = new Date(), batchSize = 100) {
  const { data: due, error } = await admin
    .from("schedules")
    .select("id, automation_id, org_id, cron, next_run_at, created_by")
    .eq("enabled", true)
    .lte("next_run_at", now.toISOString())
    .order("next_run_at")
    .limit(batchSize);
  if (error) throw new Error(`Could not read due schedules: ${error.message}`);

  const results: ScheduleRunResult[] = [];
  for (const schedule of due) {
    const base = { scheduleId: schedule.id, automationId: schedule.automation_id };
    const next = nextCronRun(schedule.cron, now);
    if (!next.ok) {
      const { error: disableError } = await admin
        .from("schedules")
        .update({ enabled: false })
        .eq("id", schedule.id);
      results.push({ ...base, outcome: "disabled", message: disableError?.message ?? next.message });
      continue;
    }

    const claim = await admin
      .from("schedules")
      .update({ next_run_at: next.next.toISOString(), last_run_at: now.toISOString() })
      .eq("id", schedule.id)
      .eq("next_run_at", schedule.next_run_at)
      .select("id");
    if (claim.error) {
      results.push({ ...base, outcome: "failed", message: claim.error.message });
      continue;
    }
    if (claim.data.length === 0) {
      results.push({ ...base, outcome: "skipped", message: "claimed by another run" });
      continue;
    }

    try {
      // Runs are metered against the schedule's author, or an owner once the author is gone.
      // Within the run and schedule limits, checked and counted by run_automation itself.
      const actor = schedule.created_by ?? (await findOrgOwner(admin, schedule.org_id));
      const run = await runAutomation(admin, {
        orgId: schedule.org_id,
        automationId: schedule.automation_id,
        trigger: "schedule",
        actor,
        scheduleId: schedule.id,
      });
      results.push({ ...base, outcome: "ran", runId: run.id });
    } catch (runError) {
      // At a plan limit this occurrence is skipped; the schedule goes on once the limit allows.
      const refused = isAppError(runError) && runError.code === "payment_required";
      results.push({
        ...base,
        outcome: refused ? "refused" : "failed",
        message: runError instanceof Error ? runError.message : String(runError),
      });
    }
  }
  return results;
}

async function findOrgOwner(admin: Client, orgId: string): Promise<string> {
  const { data, error } = await admin
    .from("memberships")
    .select("user_id")
    .eq("org_id", orgId)
    .eq("role", "owner")
    .order("created_at")
    .limit(1)
    .single();
  if (error) throw new Error(`Organization ${orgId} has no owner to attribute the run to: ${error.message}`);
  return data.user_id;
}
