import postgres from "postgres";

/**
 * Postgres's own message plus where in `source` it happened, so a failing file points at its line.
 * `offset` is where in `source` the failing query's text began (a script runs in several queries).
 * For a single statement run through a wrapper function, `statement: true` points at the
 * statement's start when Postgres reports no position, and leaves out the CONTEXT line (it would
 * only name the wrapper).
 */
export function describeSqlError(
  error: unknown,
  source: string,
  options: { offset?: number; statement?: boolean } = {},
): string {
  if (!(error instanceof postgres.PostgresError)) {
    return error instanceof Error ? error.message : String(error);
  }
  const { offset = 0, statement = false } = options;
  const parts = [error.message];
  const reported = Number.parseInt(error.position ?? "", 10);
  const position =
    Number.isInteger(reported) && reported > 0 ? offset + reported : statement ? offset + 1 : 0;
  if (position > 0) {
    const before = source.slice(0, position - 1);
    const line = before.split("\n").length;
    const column = position - before.lastIndexOf("\n") - 1;
    parts.push(`at line ${line}, column ${column}`);
  }
  if (error.detail) parts.push(`detail: ${error.detail}`);
  if (error.hint) parts.push(`hint: ${error.hint}`);
  if (!statement && error.where) parts.push(`where: ${error.where.split("\n")[0]}`);
  return parts.join("; ");
}
