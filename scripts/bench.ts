// `pnpm bench [--quick] [vitest arguments]`: the performance budgets (docs/architecture.md §8),
// measured on a throw-away stack and printed as markdown tables and as JSON
// (.data/bench/results.json, or BENCH_RESULTS). --quick (or BENCH_QUICK=1) shrinks every data size
// so the whole run takes a few minutes; other arguments go to vitest (e.g. a bench file's name).
import { spawn } from "node:child_process";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const rest = args.filter((arg) => arg !== "--quick" && arg !== "--");

const env = { ...process.env };
if (quick) env.BENCH_QUICK = "1";

const child = spawn("pnpm", ["exec", "vitest", "run", "--project", "bench", "--reporter=verbose", ...rest], {
  stdio: "inherit",
  env,
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => child.kill(signal));
}
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
