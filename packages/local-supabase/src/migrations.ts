import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import type { Sql } from "postgres";
import { runSqlScript, ScriptStatementError, type StatementGrants } from "./granted-statements.ts";
import { describeSqlError } from "./sql-errors.ts";

const BOOTSTRAP_SQL = new URL("./bootstrap.sql", import.meta.url);

// The Supabase CLI's naming rule: <version digits>_<name>.sql
const MIGRATION_FILE = /^(\d+)_(.*)\.sql$/;

/** Runs bootstrap.sql; `admin` must be the superuser supabase_admin. */
export async function applyBootstrap(admin: Sql): Promise<void> {
  const text = await readFile(BOOTSTRAP_SQL, "utf8");
  try {
    await admin.unsafe(text).simple();
  } catch (error) {
    throw new Error(`bootstrap.sql failed: ${describeSqlError(error, text)}`);
  }
}

function describeScriptError(error: unknown, text: string): string {
  if (error instanceof ScriptStatementError) {
    return describeSqlError(error.error, text, { offset: error.offset, statement: error.granted });
  }
  return describeSqlError(error, text);
}

/**
 * Applies pending migrations in file-name order as `sql`'s role (postgres, as `supabase db push`
 * does), each in its own transaction together with its row in `supabase_migrations.schema_migrations`,
 * the table the Supabase CLI keeps. `grants` stands in for supautils (see granted-statements.ts).
 */
export async function applyMigrations(
  sql: Sql,
  grants: StatementGrants,
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
  try {
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
          await runSqlScript(tx, text, grants);
          // The whole file as one entry: the CLI splits statements, but nothing reads them back.
          await tx`
            insert into supabase_migrations.schema_migrations (version, name, statements)
            values (${version}, ${name}, ${[text]})
          `;
        });
      } catch (error) {
        throw new Error(`Migration ${file} failed: ${describeScriptError(error, text)}`);
      }
      log(`Applied migration ${file}`);
      count += 1;
    }
  } finally {
    await grants.clear();
  }
  return count;
}

/** Runs the seed as `sql`'s role (postgres) in one transaction: a failing seed leaves nothing behind. */
export async function applySeed(
  sql: Sql,
  grants: StatementGrants,
  seedFile: string,
  log: (line: string) => void,
): Promise<void> {
  if (!existsSync(seedFile)) return;
  const text = await readFile(seedFile, "utf8");
  try {
    await sql.begin((tx) => runSqlScript(tx, text, grants));
  } catch (error) {
    throw new Error(`Seed ${basename(seedFile)} failed: ${describeScriptError(error, text)}`);
  } finally {
    await grants.clear();
  }
  log(`Seeded from ${basename(seedFile)}`);
}
