import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import type { Sql } from "postgres";
import { describeSqlError } from "./sql-errors.ts";

const BOOTSTRAP_SQL = new URL("./bootstrap.sql", import.meta.url);

// The Supabase CLI's naming rule: <version digits>_<name>.sql
const MIGRATION_FILE = /^(\d+)_(.*)\.sql$/;

export async function applyBootstrap(sql: Sql): Promise<void> {
  const text = await readFile(BOOTSTRAP_SQL, "utf8");
  try {
    await sql.unsafe(text).simple();
  } catch (error) {
    throw new Error(`bootstrap.sql failed: ${describeSqlError(error, text)}`);
  }
}

/**
 * Applies pending migrations in file-name order, each in its own transaction together with its
 * row in `supabase_migrations.schema_migrations`, the table the Supabase CLI keeps.
 */
export async function applyMigrations(
  sql: Sql,
  migrationsDir: string,
  log: (line: string) => void,
): Promise<number> {
  await sql
    .unsafe(
      `
    create schema if not exists supabase_migrations;
    create table if not exists supabase_migrations.schema_migrations (version text not null primary key);
    alter table supabase_migrations.schema_migrations add column if not exists statements text[];
    alter table supabase_migrations.schema_migrations add column if not exists name text;
  `,
    )
    .simple();

  if (!existsSync(migrationsDir)) return 0;
  const files = (await readdir(migrationsDir)).filter((file) => file.endsWith(".sql")).sort();
  const applied = new Set(
    (await sql<{ version: string }[]>`select version from supabase_migrations.schema_migrations`).map(
      (row) => row.version,
    ),
  );

  let count = 0;
  for (const file of files) {
    const match = MIGRATION_FILE.exec(file);
    if (!match?.[1]) {
      log(`Skipping migration ${file}: file name must match <timestamp>_name.sql`);
      continue;
    }
    const [, version, name = ""] = match;
    if (applied.has(version)) continue;
    const text = await readFile(join(migrationsDir, file), "utf8");
    try {
      await sql.begin(async (tx) => {
        await tx.unsafe(text).simple();
        // The whole file as one entry: the CLI splits statements, but nothing reads them back.
        await tx`
          insert into supabase_migrations.schema_migrations (version, name, statements)
          values (${version}, ${name}, ${[text]})
        `;
      });
    } catch (error) {
      throw new Error(`Migration ${file} failed: ${describeSqlError(error, text)}`);
    }
    log(`Applied migration ${file}`);
    count += 1;
  }
  return count;
}

export async function applySeed(sql: Sql, seedFile: string, log: (line: string) => void): Promise<void> {
  if (!existsSync(seedFile)) return;
  const text = await readFile(seedFile, "utf8");
  try {
    // One multi-statement query runs as one implicit transaction: a failing seed leaves nothing behind.
    await sql.unsafe(text).simple();
  } catch (error) {
    throw new Error(`Seed ${basename(seedFile)} failed: ${describeSqlError(error, text)}`);
  }
  log(`Seeded from ${basename(seedFile)}`);
}
