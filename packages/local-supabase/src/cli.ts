// node --experimental-websocket --import tsx src/cli.ts <dev|reset|gen-types|serve>
import { dev } from "./cli/dev.ts";
import { genTypes, reset } from "./cli/maintenance.ts";
import { serve } from "./cli/serve.ts";

const commands: Record<string, () => Promise<void>> = {
  dev,
  reset,
  "gen-types": genTypes,
  serve,
};

const name = process.argv[2] ?? "";
const command = commands[name];
if (!command) {
  console.error(`Usage: local-supabase <${Object.keys(commands).join("|")}>`);
  process.exit(2);
}

try {
  await command();
} catch (error) {
  // Expected failures (a taken port, a broken migration) read best as one line, without a stack.
  console.error(`local-supabase ${name}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
