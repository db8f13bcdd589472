/**
 * Deterministic idempotency keys: a retried or replayed action produces the same key, so the
 * event is stored once. Actions without a natural id get a random key from logUsage.
 */
export const usageKeys = {
  recordCreated: (recordId: string) => `record_created:${recordId}`,
  automationRun: (runId: string) => `automation_run:${runId}`,
  scheduleExecuted: (runId: string) => `schedule_executed:${runId}`,
  storageUpload: (fileId: string) => `storage_used:upload:${fileId}`,
  storageDelete: (fileId: string) => `storage_used:delete:${fileId}`,
  aiTokens: (requestId: string) => `ai_tokens_used:${requestId}`,
  apiCall: (requestId: string) => `api_call:${requestId}`,
  /** Once per user, organization and UTC day: a member active in two organizations counts in both. */
  userActive: (userId: string, orgId: string | null, at: Date) =>
    `user_active:${userId}:${orgId ?? "none"}:${at.toISOString().slice(0, 10)}`,
  /** Events reported by other services are namespaced by the reporting organization. */
  external: (orgId: string, key: string) => `ext:${orgId}:${key}`,
};
