// Stands in for `pnpm --filter @repo/web dev` in dev-reap.test.ts (passed to `dev` through
// LOCAL_SUPABASE_TEST_WEB_COMMAND). Shaped like the real thing: a first process (pnpm) starts the
// server in the same process group, and the server names itself next-server, as Next.js does.
// The server listens on PORT and reports `{"standIn":"listening","pid":…,"port":…}` on stdout.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";

if (process.argv[2] === "server") {
  process.title = "next-server (stand-in)";
  const port = Number(process.env.PORT);
  const server = createServer((_request, response) => response.end("stand-in"));
  server.listen(port, "127.0.0.1", () => {
    process.stdout.write(`${JSON.stringify({ standIn: "listening", pid: process.pid, port })}\n`);
  });
} else {
  const server = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "server"], {
    stdio: "inherit",
  });
  server.once("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
