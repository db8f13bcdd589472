import type { Sql, TransactionSql } from "postgres";
import type { JwtClaims } from "./jwt.ts";

export type ApiRole = "anon" | "authenticated" | "service_role";

export const API_ROLES: ReadonlySet<string> = new Set<ApiRole>(["anon", "authenticated", "service_role"]);

/**
 * Runs `work` in a transaction impersonating the caller exactly as PostgREST does (role plus
 * `request.jwt.claims`), so the project's RLS policies decide and service_role bypasses them.
 * `settings` are further transaction-local settings (the storage server's own).
 */
export function asRequestRole<T>(
  sql: Sql,
  role: ApiRole,
  claims: JwtClaims,
  work: (tx: TransactionSql) => Promise<T>,
  settings: Readonly<Record<string, string>> = {},
): Promise<T> {
  const all: [string, string][] = [
    ["role", role],
    ["request.jwt.claims", JSON.stringify(claims)],
    ...Object.entries(settings),
  ];
  const setters = all.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(", ");
  return sql.begin(async (tx) => {
    await tx.unsafe(`select ${setters}`, all.flat());
    return work(tx);
    // postgres.js types the result as UnwrapPromiseArray<T>, which is T itself for what callers pass.
  }) as Promise<T>;
}
