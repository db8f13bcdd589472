import type { Sql, TransactionSql } from "postgres";
import type { JwtClaims } from "./jwt.ts";

export type ApiRole = "anon" | "authenticated" | "service_role";

export const API_ROLES: ReadonlySet<string> = new Set<ApiRole>(["anon", "authenticated", "service_role"]);

/**
 * Runs `work` in a transaction impersonating the caller exactly as PostgREST does (role plus
 * `request.jwt.claims`), so the project's RLS policies decide and service_role bypasses them.
 */
export function asRequestRole<T>(
  sql: Sql,
  role: ApiRole,
  claims: JwtClaims,
  work: (tx: TransactionSql) => Promise<T>,
): Promise<T> {
  return sql.begin(async (tx) => {
    await tx`
      select set_config('role', ${role}, true),
             set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)
    `;
    return work(tx);
    // postgres.js types the result as UnwrapPromiseArray<T>, which is T itself for what callers pass.
  }) as Promise<T>;
}
