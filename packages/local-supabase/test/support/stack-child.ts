// Run as a separate process by lifecycle.test.ts: starts a stack on argv[2], reports, then waits to be
// killed (with -9, so it cannot clean up).
import { startStack } from "../../src/index.ts";

const [dataDir, migrationsDir] = process.argv.slice(2);
if (!dataDir || !migrationsDir) throw new Error("usage: stack-child <dataDir> <migrationsDir>");

const stack = await startStack({ dataDir, migrationsDir, seedFile: null });
process.stdout.write(`${JSON.stringify({ url: stack.url, dbPort: stack.dbPort })}\n`);
setInterval(() => undefined, 60_000);
