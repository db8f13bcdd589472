// The checks Supabase's database advisors run, applied to our own schema (docs/architecture.md §7).
// Each query lists offenders; an empty list is a pass.
import { afterAll, describe, expect, it } from "vitest";

import { sql } from "../../tests/support/supabase";

const db = sql();
afterAll(() => db.end());

describe("database advisors", () => {
  it("enables RLS on every table in public", async () => {
    const rows = await db`
      select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relrowsecurity`;
    expect(rows.map((r) => r.relname)).toEqual([]);
  });

  it("sets search_path on every function we own", async () => {
    const rows = await db`
      select n.nspname || '.' || p.proname as fn from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname in ('public', 'private')
        and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) c where c like 'search_path=%')`;
    expect(rows.map((r) => r.fn)).toEqual([]);
  });

  it("keeps SECURITY DEFINER functions out of the API or out of reach of anon and authenticated", async () => {
    const rows = await db`
      select p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = 'public' and p.prosecdef
        and (has_function_privilege('anon', p.oid, 'execute') or has_function_privilege('authenticated', p.oid, 'execute'))`;
    expect(rows.map((r) => r.proname)).toEqual([]);
  });

  it("indexes every foreign key", async () => {
    const rows = await db`
      select c.conrelid::regclass::text || ' ' || c.conname as fk
      from pg_constraint c join pg_namespace n on n.oid = c.connamespace
      where c.contype = 'f' and n.nspname = 'public'
        and not exists (
          select 1 from pg_index i
          where i.indrelid = c.conrelid and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
        )`;
    expect(rows.map((r) => r.fk)).toEqual([]);
  });

  it("has at most one permissive policy per table, role and action", async () => {
    const rows = await db`
      select tablename, cmd, r.role, count(*)::int as policies
      from pg_policies, unnest(roles) as r(role)
      where schemaname = 'public' and permissive = 'PERMISSIVE'
      group by tablename, cmd, r.role having count(*) > 1`;
    expect(rows).toEqual([]);
  });

  it("has no view that bypasses RLS", async () => {
    const rows = await db`
      select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'v'
        and not coalesce(c.reloptions @> array['security_invoker=true'], false)`;
    expect(rows.map((r) => r.relname)).toEqual([]);
  });
});
