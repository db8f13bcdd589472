import type { SupabaseClient } from "@supabase/supabase-js";

import { AppError } from "@/lib/errors";
import type { Database } from "@/lib/supabase/database.types";
import { databaseError } from "@/lib/supabase/errors";

import { nextCronRun } from "./cron";

type Client = SupabaseClient<Database>;
type Trigger = Database["public"]["Enums"]["automation_trigger"];

export async function createAutomation(
  client: Client,
  params: {
    orgId: string;
    userId: string;
    name: string;
    action: "tag" | "archive";
    filter: { tag?: string; title_contains?: string };
    params: { tag?: string };
  },
) {
  const { data, error } = await client
    .from("automations")
    .insert({
      org_id: params.orgId,
      created_by: params.userId,
      name: params.name,
      action: params.action,
      filter: params.filter,
      params: params.params,
    })
    .select("id, name")
    .single();
  if (error)
    throw databaseError(error, "Could not create the automation", {
      forbidden: "Only owners and admins can create automations.",
    });
  return data;
}

export async function deleteAutomation(client: Client, orgId: string, id: string) {
  const { data, error } = await client
    .from("automations")
    .delete()
    .eq("org_id", orgId)
    .eq("id", id)
    .select("id");
  if (error) throw new Error(`Could not delete the automation: ${error.message}`);
  if (data.length === 0)
    throw new AppError("not_found", "Automation not found, or only owners and admins may delete it.");
}

/**
 * Runs an automation through the run_automation RPC: in one transaction it checks the plan's run
 * limits (and, for a scheduled run, the schedule limit), runs, records the run with its result and
 * duration, and records its usage events, attributed to `actor`. A run past a limit is refused
 * with a 402. Service-role client: the caller has checked who may run it and that it belongs to
 * `orgId`.
 */
export async function runAutomation(
  admin: Client,
  params: { orgId: string; automationId: string; trigger: Trigger; actor: string; scheduleId?: string },
) {
  const { data, error } = await admin.rpc("run_automation", {
    p_automation_id: params.automationId,
    p_trigger: params.trigger,
    p_actor: params.actor,
    p_schedule_id: params.scheduleId,
  });
  if (error)
    throw databaseError(error, "The automation could not run", { notFound: "Automation not found." });
  return data;
}

export async function createSchedule(
  client: Client,
  params: { orgId: string; userId: string; automationId: string; cron: string; now?: Date },
) {
  const next = nextCronRun(params.cron, params.now ?? new Date());
  if (!next.ok) throw new AppError("bad_request", next.message);
  const { data, error } = await client
    .from("schedules")
    .insert({
      org_id: params.orgId,
      automation_id: params.automationId,
      created_by: params.userId,
      cron: params.cron.trim().split(/\s+/).join(" "),
      next_run_at: next.next.toISOString(),
    })
    .select("id, cron, next_run_at")
    .single();
  if (error)
    throw databaseError(error, "Could not create the schedule", {
      forbidden: "Only owners and admins can schedule automations.",
      missingReference: "Automation not found in this organization.",
    });
  return data;
}

export async function deleteSchedule(client: Client, orgId: string, id: string) {
  const { data, error } = await client
    .from("schedules")
    .delete()
    .eq("org_id", orgId)
    .eq("id", id)
    .select("id");
  if (error) throw new Error(`Could not delete the schedule: ${error.message}`);
  if (data.length === 0)
    throw new AppError("not_found", "Schedule not found, or only owners and admins may delete it.");
}
