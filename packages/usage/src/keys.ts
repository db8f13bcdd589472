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
  /** Once per user per UTC day, whichever organization they were in. */
  userActive: (userId: string, at: Date) => `user_active:${userId}:${at.toISOString().slice(0, 10)}`,
  /** Events reported by other services are namespaced by the reporting organization. */
  external: (orgId: string, key: string) => `ext:${orgId}:${key}`,
};
