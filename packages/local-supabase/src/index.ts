export { LOCAL_ANON_KEY, LOCAL_JWT_SECRET, LOCAL_SERVICE_ROLE_KEY } from "./keys.ts";
export { startStack, type Stack, type StackOptions } from "./stack.ts";
export { startCronRunner, type CronRunnerOptions } from "./cron/runner.ts";
export { generateDatabaseTypes } from "./type-generation.ts";
export { findRepoRoot } from "./repo-root.ts";
// Type-only, so nothing of vitest loads at runtime; it brings test-stack.ts's `ProvidedContext`
// augmentation (inject("supabase")) into every program that imports this package.
export type { ProvidedSupabase } from "./test-stack.ts";
