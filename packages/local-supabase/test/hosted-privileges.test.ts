import { rm } from "node:fs/promises";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack } from "../src/index.ts";
import { signJwt } from "../src/jwt.ts";
import { signedInClient, startTestStack, writeProject, type TestStack } from "./support/test-stack.ts";

// What a project may do to auth and storage on hosted Supabase, as postgres: triggers on and
// foreign keys to auth.users, triggers on storage.objects, and (through supautils) policies on
// storage.objects and dropping triggers there. Migrations and the seed run as postgres here too.
const MIGRATIONS = {
  "20240101000000_hosted_allows.sql": `
    create table public.profiles (id uuid primary key references auth.users (id) on delete cascade);
    create function public.on_signup() returns trigger language plpgsql security definer set search_path = '' as $$
    begin
      insert into public.profiles (id) values (new.id);
      return new;
    end $$;
    create trigger on_signup after insert on auth.users for each row execute function public.on_signup();

    insert into storage.buckets (id, name) values ('docs', 'docs');
    create policy "docs: read own" on storage.objects for select to authenticated
      using (bucket_id = 'docs' and owner = (select auth.uid()));
    comment on policy "docs: read own" on storage.objects is 'Users read their own documents';
    create function public.noop() returns trigger language plpgsql as $$ begin return new; end $$;
    create trigger docs_noop before insert on storage.objects for each row execute function public.noop();
  `,
  "20240101000001_hosted_allows_more.sql": `
    set search_path = storage, public;
    alter policy "docs: read own" on objects rename to docs_read_own;
    drop trigger docs_noop on storage.objects;
    drop policy if exists does_not_exist on storage.objects;
    reset search_path;
  `,
};

let env: TestStack;
let sql: postgres.Sql;

beforeAll(async () => {
  env = await startTestStack(MIGRATIONS, {
    seed: "insert into storage.buckets (id, name) values ('seeded', 'seeded');",
  });
  sql = postgres(env.stack.dbUrl, { max: 1, onnotice: () => undefined });
}, 60_000);

afterAll(async () => {
  await sql?.end();
  await env?.dispose();
});

async function sqlError(query: Promise<unknown>): Promise<string> {
  return query.then(
    () => "no error",
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
}

describe("postgres as on hosted Supabase", () => {
  it("is not a superuser, and migrations ran as it", async () => {
    const [role] = await sql`
      select rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolreplication
      from pg_roles where rolname = current_user
    `;
    expect(role).toEqual({
      rolsuper: false,
      rolcreaterole: true,
      rolcreatedb: true,
      rolbypassrls: true,
      rolreplication: true,
    });
    const owners = await sql`
      select c.relname, pg_get_userbyid(c.relowner) as owner from pg_class c
      where c.oid in ('public.profiles'::regclass, 'storage.objects'::regclass, 'auth.users'::regclass)
      order by c.relname
    `;
    expect(owners).toEqual([
      { relname: "objects", owner: "supabase_storage_admin" },
      { relname: "profiles", owner: "postgres" },
      { relname: "users", owner: "supabase_auth_admin" },
    ]);
  });

  it("applied the policy statements supautils allows on storage.objects", async () => {
    const policies = await sql`
      select polname, obj_description(oid, 'pg_policy') as comment from pg_policy
      where polrelid = 'storage.objects'::regclass order by polname
    `;
    expect(policies).toEqual([{ polname: "docs_read_own", comment: "Users read their own documents" }]);
    const triggers = await sql`
      select tgname from pg_trigger where tgrelid = 'storage.objects'::regclass and not tgisinternal order by tgname
    `;
    expect(triggers.map((row) => row.tgname)).toEqual([
      "protect_objects_delete",
      "update_objects_updated_at",
    ]);
    expect(await sql`select id from storage.buckets where id = 'seeded'`).toEqual([{ id: "seeded" }]);
  });

  it("runs the sign-up trigger the migration put on auth.users", async () => {
    const { userId } = await signedInClient(env.stack, "hosted-privileges@example.com");
    expect(await sql`select id from public.profiles where id = ${userId}`).toEqual([{ id: userId }]);
  });

  it("refuses what hosted refuses on auth and storage", async () => {
    expect(await sqlError(sql`alter table storage.objects add column extra int`)).toBe(
      "must be owner of table objects",
    );
    expect(await sqlError(sql`create index on auth.users (created_at)`)).toBe("must be owner of table users");
    expect(await sqlError(sql`create table auth.extra (id int)`)).toBe("permission denied for schema auth");
    expect(await sqlError(sql`create table storage.extra (id int)`)).toBe(
      "permission denied for schema storage",
    );
    expect(await sqlError(sql`set role supabase_admin`)).toBe(
      'permission denied to set role "supabase_admin"',
    );
    expect(
      await sqlError(
        sql`select local_supabase.run_granted_statement('alter table storage.objects owner to postgres')`,
      ),
    ).toBe("permission denied: this statement was not granted by the migration runner");
  });

  it("refuses SQL deletes from storage tables unless storage.allow_delete_query is set, as storage-api does", async () => {
    expect(await sqlError(sql`delete from storage.buckets where id = 'seeded'`)).toBe(
      "Direct deletion from storage tables is not allowed. Use the Storage API instead.",
    );
    await sql.begin(async (tx) => {
      await tx`select set_config('storage.allow_delete_query', 'true', true)`;
      await tx`delete from storage.buckets where id = 'seeded'`;
    });
    expect(await sql`select id from storage.buckets where id = 'seeded'`).toEqual([]);
  });

  it("fails a migration that alters an auth table, naming the file, as supabase db push would", async () => {
    const project = await writeProject({
      "20240101000000_users_column.sql": "select 1;\nalter table auth.users add column nickname text;\n",
    });
    try {
      await expect(
        startStack({
          dataDir: join(project.dir, "data"),
          migrationsDir: project.migrationsDir,
          seedFile: null,
        }),
      ).rejects.toThrow(/^Migration 20240101000000_users_column\.sql failed: must be owner of table users/);
    } finally {
      await rm(project.dir, { recursive: true, force: true });
    }
  });

  it("points at the line of a granted statement that fails", async () => {
    const project = await writeProject({
      "20240101000000_bad_policy.sql":
        "select 1;\n\ncreate policy p on storage.objects using (no_such_function(name));\n",
    });
    try {
      await expect(
        startStack({
          dataDir: join(project.dir, "data"),
          migrationsDir: project.migrationsDir,
          seedFile: null,
        }),
      ).rejects.toThrow(/failed: function no_such_function\(text\) does not exist; at line 3, column 1/);
    } finally {
      await rm(project.dir, { recursive: true, force: true });
    }
  });
});

describe("auth admin routes", () => {
  it("refuse the anon key and user tokens (403 not_admin), and expired tokens (403 bad_jwt)", async () => {
    const users = `${env.stack.url}/auth/v1/admin/users`;
    const get = (token: string) =>
      fetch(users, { headers: { apikey: env.stack.anonKey, authorization: `Bearer ${token}` } });

    const anon = await get(env.stack.anonKey);
    expect(anon.status).toBe(403);
    expect(await anon.json()).toMatchObject({ code: "not_admin" });

    const { client } = await signedInClient(env.stack, "not-an-admin@example.com");
    const session = (await client.auth.getSession()).data.session;
    const user = await get(session?.access_token ?? "");
    expect(user.status).toBe(403);
    expect(await user.json()).toMatchObject({ code: "not_admin" });

    const expired = signJwt(
      { role: "service_role", exp: Math.floor(Date.now() / 1000) - 5 },
      env.stack.jwtSecret,
    );
    const old = await get(expired);
    expect(old.status).toBe(403);
    expect(await old.json()).toMatchObject({
      code: "bad_jwt",
      msg: expect.stringContaining("token is expired"),
    });

    const service = await get(env.stack.serviceRoleKey);
    expect(service.status).toBe(200);
  });
});
