import { createHash } from "node:crypto";
import type { Sql, TransactionSql } from "postgres";
import { hasCode, splitSqlStatements, type SqlStatement, type SqlToken } from "./sql-statements.ts";

/**
 * Hosted Supabase runs supautils with `policy_grants` and `drop_trigger_grants` (the same list)
 * for `postgres`: it may CREATE/ALTER/DROP/COMMENT ON POLICY and DROP TRIGGER on these tables
 * without owning them; supautils runs those statements as supabase_admin. Everything else on them
 * needs the owner, which postgres is not.
 */
export const HOSTED_GRANTED_TABLES: ReadonlySet<string> = new Set([
  "auth.audit_log_entries",
  "auth.identities",
  "auth.refresh_tokens",
  "auth.sessions",
  "auth.users",
  "realtime.messages",
  "storage.buckets",
  "storage.migrations",
  "storage.objects",
  "storage.s3_multipart_uploads",
  "storage.s3_multipart_uploads_parts",
]);

export interface GrantedStatementTarget {
  kind: "policy" | "drop trigger";
  /** The table as written, quoted for to_regclass: `"storage"."objects"`, or `"objects"` unqualified. */
  table: string;
}

function isWord(token: SqlToken | undefined, ...values: string[]): boolean {
  return token?.kind === "word" && values.includes(token.value);
}

function isName(token: SqlToken | undefined): token is SqlToken {
  return token?.kind === "word" || token?.kind === "quoted";
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `[schema .] table` at `index`, or null. */
function tableAt(tokens: SqlToken[], index: number): string | null {
  const first = tokens[index];
  if (!isName(first)) return null;
  if (tokens[index + 1]?.value === "." && tokens[index + 1]?.kind === "symbol") {
    const second = tokens[index + 2];
    if (!isName(second)) return null;
    return `${quoteIdent(first.value)}.${quoteIdent(second.value)}`;
  }
  return quoteIdent(first.value);
}

/** `name ON table` at `index`. */
function nameOnTable(tokens: SqlToken[], index: number): string | null {
  if (!isName(tokens[index]) || !isWord(tokens[index + 1], "on")) return null;
  return tableAt(tokens, index + 2);
}

/**
 * The table a statement of the kinds supautils grants names: CREATE/ALTER/DROP [IF EXISTS] POLICY
 * name ON table, COMMENT ON POLICY name ON table, DROP TRIGGER [IF EXISTS] name ON table.
 */
export function grantedStatementTarget(
  statement: Pick<SqlStatement, "tokens">,
): GrantedStatementTarget | null {
  const t = statement.tokens;
  const ifExists = (index: number): number =>
    isWord(t[index], "if") && isWord(t[index + 1], "exists") ? index + 2 : index;
  let table: string | null = null;
  let kind: GrantedStatementTarget["kind"] = "policy";
  if (isWord(t[0], "create", "alter") && isWord(t[1], "policy")) {
    table = nameOnTable(t, 2);
  } else if (isWord(t[0], "drop") && isWord(t[1], "policy")) {
    table = nameOnTable(t, ifExists(2));
  } else if (isWord(t[0], "comment") && isWord(t[1], "on") && isWord(t[2], "policy")) {
    table = nameOnTable(t, 3);
  } else if (isWord(t[0], "drop") && isWord(t[1], "trigger")) {
    kind = "drop trigger";
    table = nameOnTable(t, ifExists(2));
  }
  return table ? { kind, table } : null;
}

/** Registers statements that `local_supabase.run_granted_statement` may then run, once each. */
export interface StatementGrants {
  allow(statement: string): Promise<void>;
  /** Forgets what was registered and not used (a rolled-back migration leaves its grants behind). */
  clear(): Promise<void>;
}

function digest(statement: string): string {
  return createHash("sha256").update(statement, "utf8").digest("hex");
}

/** Grants registered through `admin`, a supabase_admin connection outside the script's transaction. */
export function statementGrants(admin: Sql): StatementGrants {
  return {
    allow: async (statement) => {
      await admin`insert into local_supabase.granted_statements (digest) values (${digest(statement)})`;
    },
    clear: async () => {
      await admin`delete from local_supabase.granted_statements`;
    },
  };
}

/** A failed statement of a script: where it starts in the source, and whether it ran as granted. */
export class ScriptStatementError extends Error {
  constructor(
    readonly error: unknown,
    readonly offset: number,
    readonly granted: boolean,
  ) {
    super(error instanceof Error ? error.message : String(error));
    this.name = "ScriptStatementError";
  }
}

/**
 * Runs a migration or seed in `tx` as its connection's role (postgres). Statements supautils would
 * allow on hosted (see HOSTED_GRANTED_TABLES) go through local_supabase.run_granted_statement; the
 * text between them is sent as it is, a run of statements at a time.
 */
export async function runSqlScript(
  tx: TransactionSql,
  source: string,
  grants: StatementGrants,
): Promise<void> {
  let pending: SqlStatement[] = [];
  const flush = async (): Promise<void> => {
    const first = pending[0];
    const last = pending.at(-1);
    const runnable = pending.some(hasCode);
    pending = [];
    if (!first || !last || !runnable) return;
    try {
      await tx.unsafe(source.slice(first.start, last.end)).simple();
    } catch (error) {
      throw new ScriptStatementError(error, first.start, false);
    }
  };

  for (const statement of splitSqlStatements(source)) {
    const target = grantedStatementTarget(statement);
    if (!target) {
      pending.push(statement);
      continue;
    }
    // The table is resolved as the script sees it at this point: earlier statements may create it
    // or change the search_path.
    await flush();
    const [resolved] = await tx<{ name: string }[]>`
      select n.nspname || '.' || c.relname as name
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where c.oid = pg_catalog.to_regclass(${target.table})
    `;
    if (!resolved || !HOSTED_GRANTED_TABLES.has(resolved.name)) {
      // Not a table supautils grants: it runs as postgres and gets the error hosted would give.
      pending.push(statement);
      continue;
    }
    await grants.allow(statement.text);
    try {
      await tx`select local_supabase.run_granted_statement(${statement.text})`;
    } catch (error) {
      throw new ScriptStatementError(error, statement.start + leadingSpace(statement.text), true);
    }
  }
  await flush();
}

/** Length of the whitespace and comments before a statement's first token. */
function leadingSpace(text: string): number {
  const [first] = splitSqlStatements(text)[0]?.tokens ?? [];
  return first?.start ?? 0;
}
