import { join } from "node:path";

export const DEFAULT_CRON_SECRET = "local-cron-secret";

/**
 * Where `pnpm dev` keeps its database, storage objects and pid files (git-ignored). Tests of the
 * CLI (only under Vitest) use a folder of their own through LOCAL_SUPABASE_TEST_DATA_DIR.
 */
export function devDataDir(repoRoot: string): string {
  const testDir = process.env.LOCAL_SUPABASE_TEST_DATA_DIR;
  if (testDir && process.env.VITEST) return testDir;
  return join(repoRoot, ".data", "local-supabase");
}

export function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`${name} must be a port number, got "${raw}"`);
  return port;
}

export function isLocalUrl(url: string): boolean {
  try {
    const { hostname } = new URL(url);
    return ["localhost", "127.0.0.1", "[::1]", "0.0.0.0"].includes(hostname);
  } catch {
    return false;
  }
}
