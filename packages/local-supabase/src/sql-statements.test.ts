import { describe, expect, it } from "vitest";
import { grantedStatementTarget } from "./granted-statements.ts";
import { splitSqlStatements } from "./sql-statements.ts";

const texts = (sql: string) => splitSqlStatements(sql).map((statement) => statement.text.trim());

describe("splitSqlStatements", () => {
  it("splits on semicolons and keeps every character of the source", () => {
    const sql = "create table a (id int);\n-- a comment; still a comment\ninsert into a values (1);  \n";
    const statements = splitSqlStatements(sql);
    expect(statements.map((statement) => statement.text).join("")).toBe(sql);
    expect(texts(sql)).toEqual([
      "create table a (id int);",
      "-- a comment; still a comment\ninsert into a values (1);",
      "",
    ]);
  });

  it("ignores semicolons in strings, identifiers, comments and dollar quotes", () => {
    const sql = [
      "select 'a;b', E'c\\';d', \"odd;name\" from t;",
      "/* outer /* nested; */ still; */ select 1;",
      "create function f() returns text language plpgsql as $body$ begin return 'x;'; end $body$;",
      "do $$ begin perform 1; end $$;",
      "select $1::int;",
    ].join("\n");
    expect(texts(sql)).toHaveLength(5);
  });

  it("keeps a BEGIN ATOMIC body in one statement, as psql does", () => {
    const sql = `create or replace function add(a int, b int) returns int language sql
      begin atomic
        select case when a > 0 then a else 0 end + b;
        select 1;
      end;
      select 2;`;
    expect(texts(sql)).toEqual([
      expect.stringMatching(/^create or replace function[\s\S]*end;$/),
      "select 2;",
    ]);
  });

  it("does not count BEGIN outside a routine definition", () => {
    expect(texts("begin; create table a (id int); commit;")).toEqual([
      "begin;",
      "create table a (id int);",
      "commit;",
    ]);
  });
});

describe("grantedStatementTarget", () => {
  const target = (sql: string) => {
    const [statement] = splitSqlStatements(sql);
    return statement ? grantedStatementTarget(statement) : null;
  };

  it.each([
    ["create policy p on storage.objects for select using (true)", '"storage"."objects"'],
    [
      'CREATE POLICY "Read own" ON "storage"."objects" AS PERMISSIVE FOR SELECT USING (true)',
      '"storage"."objects"',
    ],
    ["alter policy p on storage.objects rename to q", '"storage"."objects"'],
    ["drop policy if exists p on storage.objects", '"storage"."objects"'],
    ["drop policy p on objects cascade", '"objects"'],
    ["comment on policy p on auth.users is 'x'", '"auth"."users"'],
    ["-- why\ncreate policy p on Storage.Objects using (true)", '"storage"."objects"'],
  ])("finds the table of a policy statement: %s", (sql, table) => {
    expect(target(sql)).toEqual({ kind: "policy", table });
  });

  it.each([
    ["drop trigger t on auth.users", '"auth"."users"'],
    ["drop trigger if exists t on storage.objects restrict", '"storage"."objects"'],
  ])("finds the table of a DROP TRIGGER: %s", (sql, table) => {
    expect(target(sql)).toEqual({ kind: "drop trigger", table });
  });

  it.each([
    "create trigger t before insert on storage.objects for each row execute function f()",
    "alter table storage.objects enable row level security",
    "create index on storage.objects (name)",
    "do $$ begin execute 'create policy p on storage.objects using (true)'; end $$",
    "select 'create policy p on storage.objects using (true)'",
    "comment on table storage.objects is 'x'",
  ])("leaves anything else alone: %s", (sql) => {
    expect(target(sql)).toBeNull();
  });
});
