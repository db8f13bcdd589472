import { spawn, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { postgrestBinary } from "./binaries.ts";
import { stopChild } from "./processes.ts";

/** Marks PostgREST processes with their data folder so an orphan can be told apart from anyone else's. */
export const DATA_DIR_ENV = "LOCAL_SUPABASE_DATA_DIR";

export interface PostgrestProcess {
  pid: number;
  port: number;
  stop(): Promise<void>;
}

function probe(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/", method: "GET", timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", () => resolve(0));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

/**
 * Waits for PostgREST's "Schema cache loaded" line before the first request: requests answered 503
 * during start-up make PostgREST 12.0 run its whole connection and cache cycle a second time.
 */
async function waitUntilServing(
  child: ChildProcess,
  port: number,
  schemaLoaded: () => boolean,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`PostgREST exited during start: ${output()}`);
    }
    if (schemaLoaded() && (await probe(port)) === 200) return;
    await sleep(10);
  }
  throw new Error(`PostgREST did not become ready within 30 s: ${output()}`);
}

export async function startPostgrest(options: {
  dbPort: number;
  port: number;
  jwtSecret: string;
  dataDir: string;
  log: (line: string) => void;
}): Promise<PostgrestProcess> {
  const { dbPort, port, jwtSecret, dataDir, log } = options;
  const child = spawn(postgrestBinary(log), [], {
    // A clean environment: PGRST_* variables from the user's shell must not leak into the config.
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      LANG: "C.UTF-8",
      [DATA_DIR_ENV]: dataDir,
      PGRST_DB_URI: `postgres://authenticator:postgres@127.0.0.1:${dbPort}/postgres`,
      PGRST_DB_SCHEMAS: "public",
      PGRST_DB_ANON_ROLE: "anon",
      PGRST_JWT_SECRET: jwtSecret,
      PGRST_DB_EXTRA_SEARCH_PATH: "public,extensions",
      PGRST_DB_MAX_ROWS: "1000",
      PGRST_SERVER_HOST: "127.0.0.1",
      PGRST_SERVER_PORT: String(port),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let recent = "";
  let schemaLoaded = false;
  const forward = (chunk: Buffer): void => {
    const text = chunk.toString("utf8");
    recent = (recent + text).slice(-2000);
    schemaLoaded ||= text.includes("Schema cache loaded");
    for (const line of text.split("\n")) if (line.trim()) log(`[postgrest] ${line}`);
  };
  child.stdout?.on("data", forward);
  child.stderr?.on("data", forward);
  child.on("error", (error) => log(`[postgrest] ${error.message}`));

  const stop = (): Promise<void> => stopChild(child, "SIGTERM", 5000);
  try {
    await waitUntilServing(
      child,
      port,
      () => schemaLoaded,
      () => recent.trim().split("\n").slice(-3).join(" | "),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: child.pid ?? 0, port, stop };
}
