import { spawn } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { startStack } from "../src/index.ts";
import { isRunning, readPidFile } from "../src/processes.ts";
import { supabaseClient, writeProject } from "./support/test-stack.ts";

const NOTES = {
  "20240101000000_notes.sql": "create table public.notes (id int primary key, body text);",
};

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

async function project(migrations: Record<string, string>, seed?: string) {
  const created = await writeProject(migrations, seed);
  cleanups.push(() => rm(created.dir, { recursive: true, force: true }));
  return { ...created, dataDir: join(created.dir, "data") };
}

async function servicePids(dataDir: string): Promise<{ postgres: number; postgrest: number }> {
  const postgresPid = await readPidFile(join(dataDir, "pg", "postmaster.pid"));
  const postgrestPid = await readPidFile(join(dataDir, "postgrest.pid"));
  if (!postgresPid || !postgrestPid) throw new Error("pid files missing");
  return { postgres: postgresPid, postgrest: postgrestPid };
}

function occupy(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve({ server, port: typeof address === "object" && address ? address.port : 0 });
    });
  });
}

describe("stack lifecycle", () => {
  it("leaves no postgres or PostgREST process after stop(), and stop() is idempotent", async () => {
    const { dataDir, migrationsDir } = await project(NOTES);
    const stack = await startStack({ dataDir, migrationsDir, seedFile: null });
    const pids = await servicePids(dataDir);
    expect(isRunning(pids.postgres)).toBe(true);
    expect(isRunning(pids.postgrest)).toBe(true);

    await Promise.all([stack.stop(), stack.stop()]);
    await stack.stop();
    expect(isRunning(pids.postgres)).toBe(false);
    expect(isRunning(pids.postgrest)).toBe(false);
    expect(await readPidFile(join(dataDir, "postgrest.pid"))).toBeNull();
  });

  it("reaps the postgres and PostgREST of a parent that was killed with SIGKILL", async () => {
    const { dataDir, migrationsDir } = await project(NOTES);
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        fileURLToPath(new URL("./support/stack-child.ts", import.meta.url)),
        dataDir,
        migrationsDir,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    cleanups.push(async () => child.kill("SIGKILL"));
    const ready = await new Promise<string>((resolve, reject) => {
      child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString()));
      child.once("exit", (code) => reject(new Error(`stack child exited with ${code}`)));
    });
    expect(JSON.parse(ready)).toHaveProperty("url");
    const orphans = await servicePids(dataDir);

    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    // Nobody stopped them: they are orphans now.
    expect(isRunning(orphans.postgres)).toBe(true);
    expect(isRunning(orphans.postgrest)).toBe(true);

    const stack = await startStack({ dataDir, migrationsDir, seedFile: null });
    cleanups.push(() => stack.stop());
    expect(isRunning(orphans.postgres)).toBe(false);
    expect(isRunning(orphans.postgrest)).toBe(false);
    const { error } = await supabaseClient(stack, stack.serviceRoleKey).from("notes").select("*");
    expect(error).toBeNull();
    await stack.stop();
  }, 60_000);

  it("refuses a taken port with a one-line error, and leaves nothing running", async () => {
    const { dataDir, migrationsDir } = await project(NOTES);
    const { server, port } = await occupy();
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));

    const gateway = startStack({ dataDir, migrationsDir, seedFile: null, gatewayPort: port });
    await expect(gateway).rejects.toThrow(
      `Port ${port} is already in use (another "pnpm dev"?). Stop that process or set LOCAL_SUPABASE_PORT.`,
    );
    const db = startStack({ dataDir, migrationsDir, seedFile: null, dbPort: port });
    await expect(db).rejects.toThrow(/^Port \d+ is already in use .* set LOCAL_SUPABASE_DB_PORT\.$/);

    // The failed starts released the folder: a normal start works.
    const stack = await startStack({ dataDir, migrationsDir, seedFile: null });
    await stack.stop();
  });

  it("names the migration file and line when a migration fails, and starts clean after the fix", async () => {
    const broken = {
      ...NOTES,
      "20240102000000_broken.sql": "create table public.ok (id int);\n\ncreate tabel public.oops (id int);\n",
    };
    const { dataDir, migrationsDir } = await project(broken);
    await expect(startStack({ dataDir, migrationsDir, seedFile: null })).rejects.toThrow(
      /Migration 20240102000000_broken\.sql failed: syntax error at or near "tabel".*line 3/,
    );

    await writeFile(join(migrationsDir, "20240102000000_broken.sql"), "create table public.ok (id int);\n");
    const stack = await startStack({ dataDir, migrationsDir, seedFile: null });
    const sql = postgres(stack.dbUrl, { max: 1, onnotice: () => undefined });
    const applied = await sql<{ version: string; name: string }[]>`
      select version, name from supabase_migrations.schema_migrations order by version
    `;
    expect(applied).toEqual([
      { version: "20240101000000", name: "notes" },
      { version: "20240102000000", name: "broken" },
    ]);
    await sql.end();
    await stack.stop();
  });

  it("seeds only a newly created database and keeps data between starts", async () => {
    const { dataDir, migrationsDir, seedFile } = await project(
      NOTES,
      "insert into public.notes values (1, 'seeded');",
    );
    const first = await startStack({ dataDir, migrationsDir, seedFile });
    const sql = postgres(first.dbUrl, { max: 1, onnotice: () => undefined });
    await sql`insert into public.notes values (2, 'added later')`;
    await sql.end();
    await first.stop();

    // A second start must neither re-run the seed (duplicate key) nor lose the later row.
    const second = await startStack({ dataDir, migrationsDir, seedFile });
    const rows = await supabaseClient(second, second.serviceRoleKey).from("notes").select("id").order("id");
    expect(rows.data).toEqual([{ id: 1 }, { id: 2 }]);
    await second.stop();
    expect(await readFile(join(dataDir, "pg", "PG_VERSION"), "utf8")).toContain("17");
  });
});
