import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { claimDataDir } from "../data-dir.ts";
import { findRepoRoot } from "../repo-root.ts";
import { startStack } from "../stack.ts";
import { generateDatabaseTypes } from "../type-generation.ts";
import { devDataDir } from "./settings.ts";

/** `reset`: removes the dev data folder (refusing while a dev stack uses it), so the next dev re-seeds. */
export async function reset(): Promise<void> {
  const repoRoot = findRepoRoot();
  const dataDir = devDataDir(repoRoot);
  const release = await claimDataDir(dataDir, (line) => console.info(line));
  await release();
  await rm(dataDir, { recursive: true, force: true });
  console.info(
    `Removed ${relative(repoRoot, dataDir)}: the next "pnpm dev" starts from a fresh, seeded database.`,
  );
}

/** `gen-types`: applies the migrations to a throw-away database and writes the generated `Database` types. */
export async function genTypes(): Promise<void> {
  const repoRoot = findRepoRoot();
  const target = join(repoRoot, "apps", "web", "lib", "supabase", "database.types.ts");
  const dir = await mkdtemp(join(tmpdir(), "local-supabase-types-"));
  try {
    const stack = await startStack({ dataDir: join(dir, "data"), seedFile: null });
    try {
      const types = await generateDatabaseTypes(stack.dbUrl);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, types);
    } finally {
      await stack.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  console.info(`Wrote ${relative(repoRoot, target)}`);
}
