import postgres from "postgres";

/** Postgres's own message plus where in `source` it happened, so a failing file points at its line. */
export function describeSqlError(error: unknown, source: string): string {
  if (!(error instanceof postgres.PostgresError)) {
    return error instanceof Error ? error.message : String(error);
  }
  const parts = [error.message];
  const position = Number.parseInt(error.position ?? "", 10);
  if (Number.isInteger(position) && position > 0) {
    const before = source.slice(0, position - 1);
    const line = before.split("\n").length;
    const column = position - before.lastIndexOf("\n") - 1;
    parts.push(`at line ${line}, column ${column}`);
  }
  if (error.detail) parts.push(`detail: ${error.detail}`);
  if (error.hint) parts.push(`hint: ${error.hint}`);
  if (error.where) parts.push(`where: ${error.where.split("\n")[0]}`);
  return parts.join("; ");
}
