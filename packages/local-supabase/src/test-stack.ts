// Vitest globalSetup: one throw-away stack with the repository's real migrations and seed, shared
// by a test project through `inject('supabase')`.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startStack } from "./stack.ts";

export interface ProvidedSupabase {
  url: string;
  anonKey: string;
  serviceRoleKey: string;
  dbUrl: string;
  inboxUrl: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    supabase: ProvidedSupabase;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), "local-supabase-vitest-"));
  try {
    const stack = await startStack({ dataDir: join(dir, "data") });
    project.provide("supabase", {
      url: stack.url,
      anonKey: stack.anonKey,
      serviceRoleKey: stack.serviceRoleKey,
      dbUrl: stack.dbUrl,
      inboxUrl: stack.inboxUrl,
    });
    return async () => {
      await stack.stop();
      await rm(dir, { recursive: true, force: true });
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
