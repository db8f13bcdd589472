import { spawn } from "node:child_process";
import { postgresMetaServer } from "./binaries.ts";

/**
 * The `Database` types `supabase gen types typescript --local` prints: the CLI runs this same
 * postgres-meta entry point (in Docker) with these variables.
 */
export function generateDatabaseTypes(dbUrl: string): Promise<string> {
  const server = postgresMetaServer();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [server], {
      env: {
        ...process.env,
        PG_META_DB_URL: dbUrl,
        PG_META_GENERATE_TYPES: "typescript",
        PG_META_GENERATE_TYPES_INCLUDED_SCHEMAS: "public",
        // The CLI sets this for every PostgREST newer than v9.
        PG_META_GENERATE_TYPES_DETECT_ONE_TO_ONE_RELATIONSHIPS: "true",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(Buffer.concat(stdout).toString("utf8"));
      else {
        const detail = Buffer.concat(stderr).toString("utf8").trim().split("\n").slice(-5).join(" | ");
        reject(new Error(`postgres-meta type generation failed (exit ${code}): ${detail}`));
      }
    });
  });
}
