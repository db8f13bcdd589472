import { existsSync } from "node:fs";
import { cp, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import postgres, { type Sql } from "postgres";
import { createAuthHandler } from "./auth/auth-server.ts";
import { loadAuthSettings, type AuthSettings } from "./auth/auth-settings.ts";
import { listenInbox, type InboxServer } from "./inbox/inbox-server.ts";
import { Mailbox } from "./inbox/mailbox.ts";
import { claimDataDir, dataDirLayout, prepareDataDir } from "./data-dir.ts";
import { listenGateway, type Gateway } from "./gateway.ts";
import { LOCAL_ANON_KEY, LOCAL_JWT_SECRET, LOCAL_SERVICE_ROLE_KEY } from "./keys.ts";
import { statementGrants } from "./granted-statements.ts";
import { applyBootstrap, applyMigrations, applySeed } from "./migrations.ts";
import { assertPortFree, findFreePort, PortInUseError } from "./ports.ts";
import { ADMIN_USER, DB_PASSWORD, DB_USER, startPostgres, type PostgresCluster } from "./postgres-cluster.ts";
import { startPostgrest, type PostgrestProcess } from "./postgrest-process.ts";
import { removeFile, writePidFile } from "./processes.ts";
import { findRepoRoot } from "./repo-root.ts";
import { ObjectFiles } from "./storage/object-files.ts";
import { createStorageHandler } from "./storage/storage-server.ts";

export interface StackOptions {
  /** Postgres data in <dataDir>/pg, storage objects in <dataDir>/storage, pid files here. */
  dataDir: string;
  /** Default 0: a free port. `pnpm dev` passes 54321. */
  gatewayPort?: number;
  /** Default 0: a free port. `pnpm dev` passes 54322. */
  dbPort?: number;
  /** Default <repo>/supabase/migrations. */
  migrationsDir?: string;
  /** Default <repo>/supabase/seed.sql; null: no seed. Runs only when the cluster is created. */
  seedFile?: string | null;
  /** Default 0: a free port. `pnpm dev` passes 54324, the CLI's inbox port. */
  inboxPort?: number;
  /**
   * The Supabase CLI config whose `[auth]` the auth server follows. Default: <repo>/supabase/config.toml
   * when the repository's migrations are used, else none (the CLI's defaults).
   */
  configFile?: string | null;
  /** Overrides of what the config says (the app's URL as site URL, test settings). */
  auth?: Partial<AuthSettings>;
  log?: (line: string) => void;
}

export interface Stack {
  url: string;
  dbUrl: string;
  anonKey: string;
  serviceRoleKey: string;
  jwtSecret: string;
  gatewayPort: number;
  dbPort: number;
  /** The local inbox: every email the auth server sent, on a web page and at /api/v1/messages. */
  inboxUrl: string;
  inboxPort: number;
  mailbox: Mailbox;
  /** The auth settings in force (config.toml with the overrides). */
  authSettings: AuthSettings;
  /** Idempotent: stops the gateway, PostgREST and Postgres. */
  stop(): Promise<void>;
}

// Named in the "port in use" errors: the variables the CLI reads.
const GATEWAY_PORT_ENV = "LOCAL_SUPABASE_PORT";
const DB_PORT_ENV = "LOCAL_SUPABASE_DB_PORT";
const INBOX_PORT_ENV = "LOCAL_SUPABASE_INBOX_PORT";

function connect(port: number, user: string, max: number, application: string): Sql {
  return postgres({
    host: "127.0.0.1",
    port,
    user,
    password: DB_PASSWORD,
    database: "postgres",
    max,
    onnotice: () => undefined,
    connection: { application_name: application },
  });
}

async function openInbox(port: number, mailbox: Mailbox): Promise<InboxServer> {
  try {
    return await listenInbox({ port, mailbox });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE")
      throw new PortInUseError(port, INBOX_PORT_ENV);
    throw error;
  }
}

async function openGateway(port: number, log: (line: string) => void): Promise<Gateway> {
  try {
    return await listenGateway({ port, apiKeys: [LOCAL_ANON_KEY, LOCAL_SERVICE_ROLE_KEY], log });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE")
      throw new PortInUseError(port, GATEWAY_PORT_ENV);
    throw error;
  }
}

/**
 * Clusters made before supabase_admin existed have `postgres` as their bootstrap superuser, which
 * Postgres does not let anyone demote: such a folder has to be recreated.
 */
async function assertCurrentLayout(admin: Sql, dbPort: number, dataDir: string): Promise<void> {
  let adminError: unknown;
  try {
    await admin`select 1`;
    return;
  } catch (error) {
    adminError = error;
  }
  const sql = connect(dbPort, DB_USER, 1, "local-supabase layout check");
  const old = await sql<{ old: boolean }[]>`
      select rolsuper and not exists (select from pg_roles where rolname = ${ADMIN_USER}) as old
      from pg_roles where rolname = current_user
    `.then(
    ([row]) => row?.old === true,
    () => false,
  );
  await sql.end({ timeout: 5 });
  if (old) {
    throw new Error(
      `The database in ${dataDir} was created by an older local-supabase, in which postgres was the superuser. Run "pnpm db:reset" to recreate it (its local data is lost; the seed runs again).`,
    );
  }
  throw adminError;
}

/**
 * Bootstrap as the superuser supabase_admin; migrations and the seed as postgres, which is not
 * one, so what fails on `supabase db push` fails here.
 */
async function prepareDatabase(
  dbPort: number,
  cluster: PostgresCluster,
  migrationsDir: string,
  seedFile: string | null,
  storageDir: string,
  dataDir: string,
  log: (line: string) => void,
): Promise<void> {
  const admin = connect(dbPort, ADMIN_USER, 1, "local-supabase bootstrap");
  const sql = connect(dbPort, DB_USER, 1, "local-supabase migrations");
  try {
    await assertCurrentLayout(admin, dbPort, dataDir);
    await applyBootstrap(admin);
    const grants = statementGrants(admin);
    await applyMigrations(sql, grants, migrationsDir, log);
    if (cluster.fresh && seedFile) {
      await applySeed(sql, grants, seedFile, log);
      await seedStorageObjects(sql, join(dirname(seedFile), "seed-storage"), storageDir, log);
    }
  } finally {
    await Promise.all([sql.end({ timeout: 5 }), admin.end({ timeout: 5 })]);
  }
}

/**
 * The seed inserts rows into storage.objects; the bytes behind them live beside it in
 * seed-storage/<bucket>/<path>, and are copied where the storage server keeps objects. Objects the
 * seed describes without bytes (generated history) get stand-in bytes of the size their metadata
 * says, so every seeded file downloads and Storage holds what its rows claim.
 */
async function seedStorageObjects(
  sql: Sql,
  sourceDir: string,
  storageDir: string,
  log: (line: string) => void,
): Promise<void> {
  if (existsSync(sourceDir)) {
    await cp(sourceDir, storageDir, { recursive: true });
    log(`Seeded storage objects from ${sourceDir}`);
  }
  const objects = await sql<{ bucket_id: string; name: string; size: string | null }[]>`
    select bucket_id, name, metadata ->> 'size' as size from storage.objects
  `;
  const files = new ObjectFiles(storageDir);
  let written = 0;
  for (const object of objects) {
    if (existsSync(files.pathOf(object.bucket_id, object.name))) continue;
    const size = Math.max(0, Math.min(Number(object.size ?? 0), 50 * 1024 * 1024));
    const line = Buffer.from(`Seeded file ${object.name}\n`);
    const bytes = Buffer.alloc(size);
    for (let offset = 0; offset < size; offset += line.length) line.copy(bytes, offset);
    await files.write(object.bucket_id, object.name, bytes);
    written += 1;
  }
  if (written > 0) log(`Wrote the bytes of ${written} seeded storage objects`);
}

/**
 * Starts Postgres, PostgREST and the gateway (with auth and storage in-process) on `dataDir`,
 * applying bootstrap, migrations and, for a new cluster, the seed.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const dataDir = resolve(options.dataDir);
  const layout = dataDirLayout(dataDir);
  const defaultsRoot =
    options.migrationsDir === undefined || options.seedFile === undefined ? findRepoRoot() : "";
  const migrationsDir = options.migrationsDir ?? join(defaultsRoot, "supabase", "migrations");
  const seedFile =
    options.seedFile === undefined ? join(defaultsRoot, "supabase", "seed.sql") : options.seedFile;
  const configFile =
    options.configFile !== undefined
      ? options.configFile
      : options.migrationsDir === undefined
        ? join(findRepoRoot(), "supabase", "config.toml")
        : null;
  const authSettings: AuthSettings = { ...loadAuthSettings(configFile), ...options.auth };
  const mailbox = new Mailbox();

  await prepareDataDir(dataDir);
  const release = await claimDataDir(dataDir, log);

  // Undone in reverse order if the start fails halfway.
  const undo: (() => Promise<void>)[] = [release];
  let cluster: PostgresCluster | null = null;
  try {
    const dbPort = options.dbPort ? options.dbPort : await findFreePort();
    if (options.dbPort) await assertPortFree(options.dbPort, DB_PORT_ENV);
    const gateway = await openGateway(options.gatewayPort ?? 0, log);
    undo.push(() => gateway.close());
    const inbox = await openInbox(options.inboxPort ?? 0, mailbox);
    undo.push(() => inbox.close());

    cluster = await startPostgres({ pgDir: layout.pgDir, workDir: dataDir, port: dbPort, log });
    undo.push(cluster.stop);
    await prepareDatabase(dbPort, cluster, migrationsDir, seedFile, layout.storageDir, dataDir, log);

    const postgrest: PostgrestProcess = await startPostgrest({
      dbPort,
      port: await findFreePort(),
      jwtSecret: LOCAL_JWT_SECRET,
      dataDir,
      log,
    });
    const stopPostgrest = async (): Promise<void> => {
      await postgrest.stop();
      await removeFile(layout.postgrestPidFile);
    };
    undo.push(stopPostgrest);
    await writePidFile(layout.postgrestPidFile, postgrest.pid);

    const url = `http://127.0.0.1:${gateway.port}`;
    const authSql = connect(dbPort, "supabase_auth_admin", 5, "local-supabase auth");
    const storageSql = connect(dbPort, "supabase_storage_admin", 5, "local-supabase storage");
    const closePools = async (): Promise<void> => {
      await Promise.all([authSql.end({ timeout: 2 }), storageSql.end({ timeout: 2 })]);
    };
    undo.push(closePools);
    gateway.setRoutes({
      postgrestPort: postgrest.port,
      auth: createAuthHandler(
        authSql,
        { issuer: `${url}/auth/v1`, jwtSecret: LOCAL_JWT_SECRET },
        authSettings,
        mailbox,
        log,
      ),
      storage: createStorageHandler(storageSql, layout.storageDir, LOCAL_JWT_SECRET, log),
    });

    // Children get no signal when a test runner exits without calling stop(); a kill on exit keeps
    // the common case clean (SIGKILL of this process is handled by the next start's reaping).
    const killOnExit = (): void => {
      for (const pid of [postgrest.pid, cluster?.pid ?? 0]) {
        try {
          if (pid) process.kill(pid, pid === postgrest.pid ? "SIGTERM" : "SIGINT");
        } catch {
          // already gone
        }
      }
    };
    process.on("exit", killOnExit);

    // Front to back: no new requests, then the pools, PostgREST, Postgres, and the claim last.
    const runningCluster = cluster;
    const stopAll = async (): Promise<void> => {
      process.off("exit", killOnExit);
      await runSteps([
        () => gateway.close(),
        () => inbox.close(),
        closePools,
        stopPostgrest,
        () => runningCluster.stop(),
        release,
      ]);
    };

    log(`Local Supabase ready in ${Date.now() - started} ms`);
    let stopping: Promise<void> | null = null;
    return {
      url,
      dbUrl: `postgresql://${DB_USER}:${DB_PASSWORD}@127.0.0.1:${dbPort}/postgres`,
      anonKey: LOCAL_ANON_KEY,
      serviceRoleKey: LOCAL_SERVICE_ROLE_KEY,
      jwtSecret: LOCAL_JWT_SECRET,
      gatewayPort: gateway.port,
      dbPort,
      inboxUrl: inbox.url,
      inboxPort: inbox.port,
      mailbox,
      authSettings,
      stop: () => (stopping ??= stopAll()),
    };
  } catch (error) {
    await runSteps([...undo].reverse()).catch(() => undefined);
    // A cluster that never got its migrations and seed would not be re-seeded next time: start over.
    if (cluster?.fresh) await rm(layout.pgDir, { recursive: true, force: true });
    throw error;
  }
}

/** Runs every step even when one fails, then reports the first failure. */
async function runSteps(steps: (() => Promise<void>)[]): Promise<void> {
  const errors: unknown[] = [];
  for (const step of steps) {
    await step().catch((error: unknown) => errors.push(error));
  }
  if (errors.length > 0) throw errors[0];
}
