// `pnpm check:vercel`: builds the app the way a Vercel project with its Root Directory at the
// repository root does (vercel.json's install and build commands, pnpm pinned by package.json's
// packageManager through corepack), with the Vercel CLI and no Vercel account, then checks that
// .vercel/output/config.json registers every cron in vercel.json, path and schedule.
//
// The build runs in a throw-away copy of the working tree (tracked and untracked, not ignored files),
// installed from scratch as on Vercel; the copy, its .vercel/ and its build output are removed
// afterwards. So a developer's own .vercel/project.json (from `vercel link`) and apps/web/.next
// (which `SKIP_BUILD=1 pnpm e2e` reuses) are never touched.
//
//   node --import tsx scripts/check-vercel-build.ts            build and check (a few minutes)
//   node --import tsx scripts/check-vercel-build.ts --keep     ... and keep the copy to look at
//   node --import tsx scripts/check-vercel-build.ts --verify <dir>/.vercel/output   check an output only
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { LOCAL_ANON_KEY } from "../packages/local-supabase/src/keys.ts";
import { checkCrons, cronProblems, describeCron } from "./vercel-crons.ts";

/** The Vercel CLI this check is known to work with; `npx` fetches it from the npm registry. */
const VERCEL_CLI = "vercel@58.10.0";
const BUILD_TIMEOUT_MS = 30 * 60_000;

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

/**
 * What `vercel pull` would write for a project imported with the Root Directory at the repository
 * root and every build setting left at its default: the install and build commands and the output
 * directory come from vercel.json, as they do on Vercel. No Vercel API is called with it.
 */
const PROJECT_JSON = {
  projectId: "prj_localVercelBuildCheck",
  orgId: "team_localVercelBuildCheck",
  projectName: "meterline",
  settings: {
    framework: "nextjs",
    rootDirectory: null,
    installCommand: null,
    buildCommand: null,
    devCommand: null,
    outputDirectory: null,
    directoryListing: false,
  },
};

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, "utf8"));
}

function fail(message: string): never {
  console.error(`check-vercel-build: ${message}`);
  process.exit(1);
}

/** Checks a build output against the repository's vercel.json; returns the problems. */
async function verifyOutput(outputDir: string): Promise<string[]> {
  const configPath = join(outputDir, "config.json");
  if (!existsSync(configPath)) return [`${configPath} does not exist`];
  const check = checkCrons(await readJson(join(repoRoot, "vercel.json")), await readJson(configPath));
  console.info(`check-vercel-build: vercel.json declares ${check.declared.map(describeCron).join(", ")}`);
  console.info(
    `check-vercel-build: ${configPath} registers ${check.registered.map(describeCron).join(", ") || "no crons"}`,
  );
  return cronProblems(check);
}

/** Tracked and untracked, not ignored files of the working tree, as a clone plus local edits. */
async function copyWorkingTree(target: string): Promise<void> {
  const listing = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: repoRoot,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const files = [...new Set(listing.split("\0").filter(Boolean))];
  for (const file of files) {
    const source = join(repoRoot, file);
    // Deleted in the working tree but not yet in the index: a clone of the next commit lacks it too.
    if (!existsSync(source)) continue;
    await mkdir(dirname(join(target, file)), { recursive: true });
    await cp(source, join(target, file), { verbatimSymlinks: true });
  }
}

/** Our environment without what `pnpm run` adds for its child (npm would warn about its settings). */
function buildEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) || /^pnpm_config_/i.test(key) || key === "PNPM_PACKAGE_NAME") continue;
    if (key.startsWith("VERCEL") || key.startsWith("NOW_")) continue;
    env[key] = value;
  }
  return {
    ...env,
    // What the app needs at build time (NEXT_PUBLIC_* are inlined): the local stack's well-known values.
    NEXT_PUBLIC_SUPABASE_URL: "http://127.0.0.1:54321",
    NEXT_PUBLIC_SUPABASE_ANON_KEY: LOCAL_ANON_KEY,
    // As the README asks of the Vercel project: use the pnpm that package.json#packageManager pins.
    ENABLE_EXPERIMENTAL_COREPACK: "1",
    COREPACK_ENABLE_DOWNLOAD_PROMPT: "0",
    VERCEL_TELEMETRY_DISABLED: "1",
    NEXT_TELEMETRY_DISABLED: "1",
    NO_UPDATE_NOTIFIER: "1",
  };
}

/** Runs `vercel build` in `cwd`, echoing its output; resolves with the exit code and the output. */
function vercelBuild(cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("npx", ["--yes", VERCEL_CLI, "build", "--yes"], {
      cwd,
      env: buildEnvironment(),
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so a timeout or Ctrl-C also stops pnpm and next underneath.
      detached: true,
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      process.stderr.write(chunk);
    });
    const killGroup = (): void => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      console.error(`check-vercel-build: vercel build took longer than ${BUILD_TIMEOUT_MS / 60_000} minutes`);
      killGroup();
    }, BUILD_TIMEOUT_MS);
    process.once("SIGINT", killGroup);
    process.once("SIGTERM", killGroup);
    child.once("error", (error) => {
      clearTimeout(timer);
      resolve({ code: 1, output: `${output}\n${error.message}` });
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      process.off("SIGINT", killGroup);
      process.off("SIGTERM", killGroup);
      resolve({ code: code ?? (signal ? 1 : 0), output });
    });
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const verifyIndex = args.indexOf("--verify");
  if (verifyIndex >= 0) {
    const outputDir = args[verifyIndex + 1];
    if (!outputDir) fail("--verify needs the path of a .vercel/output folder");
    const problems = await verifyOutput(outputDir);
    for (const problem of problems) console.error(`check-vercel-build: ${problem}`);
    process.exit(problems.length > 0 ? 1 : 0);
  }
  const keep = args.includes("--keep");

  const packageManager = ((await readJson(join(repoRoot, "package.json"))) as { packageManager?: string })
    .packageManager;
  // pnpm@x.y.z, optionally with the tarball's hash (as `corepack use` writes it).
  const pnpmVersion = /^pnpm@(\d+\.\d+\.\d+)(\+sha\d+\.[0-9a-f]+)?$/.exec(packageManager ?? "")?.[1];
  if (!pnpmVersion) fail(`package.json#packageManager must pin pnpm (pnpm@x.y.z), found "${packageManager}"`);

  const dir = await mkdtemp(join(tmpdir(), "vercel-build-check-"));
  const cleanup = async (): Promise<void> => {
    if (keep) console.info(`check-vercel-build: kept the build in ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  };
  const problems: string[] = [];
  try {
    console.info(`check-vercel-build: copying the working tree to ${dir}`);
    await copyWorkingTree(dir);
    await mkdir(join(dir, ".vercel"), { recursive: true });
    await writeFile(join(dir, ".vercel", "project.json"), `${JSON.stringify(PROJECT_JSON, null, 2)}\n`);

    console.info(`check-vercel-build: npx ${VERCEL_CLI} build --yes`);
    const { code, output } = await vercelBuild(dir);
    if (code !== 0) {
      problems.push(`vercel build failed (exit code ${code})`);
    } else {
      // Vercel hands the install to corepack with package.json#packageManager, which runs that pnpm.
      if (!output.includes(`Detected ENABLE_EXPERIMENTAL_COREPACK=1 and "${packageManager}"`)) {
        problems.push(`vercel build did not take pnpm from package.json#packageManager through corepack`);
      }
      if (!output.includes(`using pnpm v${pnpmVersion}`)) {
        problems.push(`the install step did not run pnpm ${pnpmVersion} (package.json#packageManager)`);
      }
      problems.push(...(await verifyOutput(join(dir, ".vercel", "output"))));
    }
  } finally {
    await cleanup();
  }

  if (problems.length > 0) {
    for (const problem of problems) console.error(`check-vercel-build: ${problem}`);
    process.exit(1);
  }
  console.info("check-vercel-build: OK, the Vercel build registers every cron in vercel.json");
}

await main();
