import "server-only";

import type { AdminClient } from "./export-queries";

/**
 * The per-user limit on concurrent exports, shared by every app instance: a lease row per running
 * export (usage_export_leases), taken under a per-user lock, renewed while pages are read, released
 * when the stream ends however it ends. A lease whose instance died expires after EXPORT_LEASE_TTL_SECONDS.
 */

/** Exports one user may run at once. */
export const EXPORT_CONCURRENCY = 2;
/** How long a lease outlives its last renewal. */
export const EXPORT_LEASE_TTL_SECONDS = 60;

export type LeaseResult = { leaseId: string } | { retryAfter: number };

export async function acquireExportLease(admin: AdminClient, userId: string): Promise<LeaseResult> {
  const { data, error } = await admin.rpc("acquire_usage_export", {
    p_user_id: userId,
    p_limit: EXPORT_CONCURRENCY,
    p_ttl_seconds: EXPORT_LEASE_TTL_SECONDS,
  });
  if (error) throw new Error(`Could not check running exports: ${error.message}`);
  const row = data[0];
  if (!row) throw new Error("Could not check running exports: no answer");
  return row.lease_id ? { leaseId: row.lease_id } : { retryAfter: Math.max(1, row.retry_after) };
}

export async function renewExportLease(admin: AdminClient, leaseId: string): Promise<void> {
  const { error } = await admin.rpc("renew_usage_export", {
    p_lease_id: leaseId,
    p_ttl_seconds: EXPORT_LEASE_TTL_SECONDS,
  });
  if (error) throw new Error(`Could not renew the export's lease: ${error.message}`);
}

/** Never throws: a lease that cannot be released expires on its own. */
export async function releaseExportLease(admin: AdminClient, leaseId: string): Promise<void> {
  const { error } = await admin.rpc("release_usage_export", { p_lease_id: leaseId });
  if (error) console.error(`[usage export] could not release lease ${leaseId}: ${error.message}`);
}
