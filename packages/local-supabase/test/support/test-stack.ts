import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, type SupabaseClient, type SupabaseClientOptions } from "@supabase/supabase-js";
import { startStack, type Stack, type StackOptions } from "../../src/index.ts";

export interface TestStack {
  stack: Stack;
  dir: string;
  dataDir: string;
  /** Stops the stack and deletes its folder. */
  dispose(): Promise<void>;
}

/** A throw-away folder with the given migrations (file name -> SQL) and optional seed. */
export async function writeProject(
  migrations: Record<string, string>,
  seed?: string,
): Promise<{ dir: string; migrationsDir: string; seedFile: string | null }> {
  const dir = await mkdtemp(join(tmpdir(), "local-supabase-test-"));
  const migrationsDir = join(dir, "migrations");
  await mkdir(migrationsDir);
  for (const [file, sql] of Object.entries(migrations)) await writeFile(join(migrationsDir, file), sql);
  let seedFile: string | null = null;
  if (seed !== undefined) {
    seedFile = join(dir, "seed.sql");
    await writeFile(seedFile, seed);
  }
  return { dir, migrationsDir, seedFile };
}

export async function startTestStack(
  migrations: Record<string, string>,
  options: { seed?: string } & Partial<StackOptions> = {},
): Promise<TestStack> {
  const project = await writeProject(migrations, options.seed);
  const dataDir = join(project.dir, "data");
  const stack = await startStack({
    dataDir,
    migrationsDir: project.migrationsDir,
    seedFile: project.seedFile,
    ...options,
  });
  return {
    stack,
    dir: project.dir,
    dataDir,
    dispose: async () => {
      await stack.stop();
      await rm(project.dir, { recursive: true, force: true });
    },
  };
}

type RealtimeTransport = NonNullable<NonNullable<SupabaseClientOptions<"public">["realtime"]>["transport"]>;

/** These tests never open a channel; on Node 20 without --experimental-websocket there is no WebSocket. */
class NoRealtime {
  constructor() {
    throw new Error("Realtime is not served by local-supabase");
  }
}

export function supabaseClient(stack: Stack, key: string = stack.anonKey): SupabaseClient {
  return createClient(stack.url, key, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: (globalThis.WebSocket ?? NoRealtime) as unknown as RealtimeTransport },
  });
}

/** A client signed in as a new user with the given email. */
export async function signedInClient(
  stack: Stack,
  email: string,
  password = "correct-horse-1",
): Promise<{ client: SupabaseClient; userId: string }> {
  const client = supabaseClient(stack);
  const { data, error } = await client.auth.signUp({ email, password });
  if (error || !data.user) throw error ?? new Error("sign-up returned no user");
  return { client, userId: data.user.id };
}
