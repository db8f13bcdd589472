import type { SupabaseClient } from "@supabase/supabase-js";

import type { Database } from "@/lib/supabase/database.types";

type Client = SupabaseClient<Database>;

export async function listAutomations(client: Client, orgId: string) {
  const { data, error } = await client
    .from("automations")
    .select(
      "id, name, action, filter, params, created_at, schedules(id, cron, enabled, next_run_at, last_run_at)",
    )
    .eq("org_id", orgId)
    .order("created_at", { ascending: false });
  if (error) throw new Error(`Could not list automations: ${error.message}`);
  return data;
}

export async function getAutomation(client: Client, orgId: string, id: string) {
  const { data, error } = await client
    .from("automations")
    .select(
      "id, org_id, name, action, filter, params, created_at, schedules(id, cron, enabled, next_run_at, last_run_at)",
    )
    .eq("org_id", orgId)
    .eq("id", id)
    .maybeSingle();
  if (error) throw new Error(`Could not load the automation: ${error.message}`);
  return data;
}

export async function listAutomationRuns(client: Client, orgId: string, automationId: string, limit = 20) {
  const { data, error } = await client
    .from("automation_runs")
    .select(
      "id, trigger, status, records_matched, records_changed, error, started_at, duration_ms, schedule_id",
    )
    .eq("org_id", orgId)
    .eq("automation_id", automationId)
    .order("started_at", { ascending: false })
    .limit(limit);
  if (error) throw new Error(`Could not list runs: ${error.message}`);
  return data;
}
