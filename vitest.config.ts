import { fileURLToPath } from "node:url";

import { defineConfig } from "vitest/config";

const webRoot = fileURLToPath(new URL("./apps/web/", import.meta.url));
// `server-only` throws outside React Server Components; tests call server modules directly.
const serverOnlyStub = fileURLToPath(new URL("./tests/support/server-only.ts", import.meta.url));

export default defineConfig({
  resolve: {
    alias: { "@/": webRoot, "server-only": serverOnlyStub },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts", "apps/web/**/*.unit.test.ts", "tests/repo/**/*.test.ts"],
          exclude: ["**/node_modules/**", "**/.next/**"],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: [
            "packages/local-supabase/test/**/*.test.ts",
            "supabase/tests/**/*.test.ts",
            "tests/integration/**/*.test.ts",
          ],
          exclude: ["**/node_modules/**"],
          globalSetup: ["packages/local-supabase/src/test-stack.ts"],
          setupFiles: ["tests/support/env.setup.ts"],
          // supabase-js needs a global WebSocket, which Node 20 has only behind this flag.
          execArgv: ["--experimental-websocket"],
          testTimeout: 30_000,
          hookTimeout: 120_000,
          // Test files share one machine with 2 cores and start services; keep parallelism modest.
          maxWorkers: 2,
        },
      },
      {
        extends: true,
        test: {
          // `pnpm bench`: measurements printed as ratios, never timing assertions.
          name: "bench",
          include: ["tests/bench/**/*.bench.ts"],
          // The stack, then the run's JSON results file (tests/bench/results.ts prints it at the end).
          globalSetup: ["packages/local-supabase/src/test-stack.ts", "tests/bench/results.ts"],
          setupFiles: ["tests/support/env.setup.ts"],
          execArgv: ["--experimental-websocket"],
          testTimeout: 600_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
