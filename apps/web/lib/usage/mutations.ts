import "server-only";

import { AppError } from "@/lib/errors";
import { createAdminSupabaseClient } from "@/lib/supabase/admin";
import { databaseError } from "@/lib/supabase/errors";

/**
 * Dismisses a limit alert for the whole organization. Service role: the caller has checked that
 * `actor` is an owner or admin of `orgId`; the alert must belong to it.
 */
export async function dismissUsageNotification(params: {
  orgId: string;
  notificationId: number;
  actor: string;
}) {
  const { data, error } = await createAdminSupabaseClient()
    .from("usage_notifications")
    .update({ dismissed_at: new Date().toISOString(), dismissed_by: params.actor })
    .eq("id", params.notificationId)
    .eq("org_id", params.orgId)
    .is("dismissed_at", null)
    .select("id");
  if (error) throw databaseError(error, "Could not dismiss the alert");
  if (data.length === 0) throw new AppError("not_found", "That alert is gone or was already dismissed.");
}
