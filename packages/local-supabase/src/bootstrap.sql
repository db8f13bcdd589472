-- What hosted Supabase provisions before a project's first migration runs, reduced to what
-- migrations, seeds, PostgREST, the auth server and the storage server here rely on.
--
-- Applied as the superuser `supabase_admin` (the cluster's bootstrap user, as on hosted) on every
-- start, so every statement is idempotent. Migrations and the seed then run as `postgres`, which
-- is NOT a superuser: a statement hosted refuses to `postgres` fails here too. The grants follow
-- supabase/postgres (migrations/db/init-scripts, migrations/db/migrations, migrate.sh) as of 2026:
-- `postgres` lost its membership in supabase_auth_admin and supabase_storage_admin and CREATE on
-- the auth and storage schemas (20250421084701_revoke_admin_roles_from_postgres.sql).

-- ---------------------------------------------------------------------------
-- Roles
-- ---------------------------------------------------------------------------
do $$
begin
  if not exists (select from pg_roles where rolname = 'postgres') then
    create role postgres;
  end if;
  if not exists (select from pg_roles where rolname = 'anon') then
    create role anon nologin;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin;
  end if;
  if not exists (select from pg_roles where rolname = 'service_role') then
    create role service_role nologin bypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'supabase_auth_admin') then
    create role supabase_auth_admin login noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'supabase_storage_admin') then
    create role supabase_storage_admin login noinherit createrole;
  end if;
end $$;

-- The project's role: what 10000000000000_demote-postgres.sql leaves it with.
alter role postgres with login nosuperuser createdb createrole replication bypassrls;
-- Hosted made the API roles INHERIT in 2023; policies granted through role membership rely on it.
alter role anon nologin inherit;
alter role authenticated nologin inherit;
alter role service_role nologin inherit bypassrls;
alter role authenticator with login noinherit;
-- 20260821154147_revoke_createrole_from_auth_admin.sql
alter role supabase_auth_admin with login noinherit nocreaterole;
alter role supabase_storage_admin with login noinherit createrole;

-- Local passwords as the Supabase CLI has them (supabase_admin's comes from initdb).
alter role postgres with password 'postgres';
alter role authenticator with password 'postgres';
alter role supabase_auth_admin with password 'postgres';
alter role supabase_storage_admin with password 'postgres';

grant anon, authenticated, service_role to authenticator;
-- postgres may act as, and hand out, the API roles (20250605172253_grant_with_admin_to_postgres_16_and_above.sql).
grant anon, authenticated, service_role, authenticator to postgres with admin option;
grant pg_read_all_data, pg_signal_backend, pg_monitor to postgres with admin option;
grant pg_create_subscription to postgres;
-- The storage server switches to the caller's role per request, through authenticator
-- (20231013070755_grant_authenticator_to_supabase_storage_admin.sql).
grant authenticator to supabase_storage_admin;

alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';
alter role authenticator set statement_timeout = '8s';

alter role postgres set search_path = "$user", public, extensions;
alter role supabase_auth_admin set search_path = auth;
alter role supabase_storage_admin set search_path = storage;

-- ---------------------------------------------------------------------------
-- The database and the public schema belong to postgres (migrate.sh: `alter database postgres
-- owner to postgres`; public is owned by pg_database_owner), so migrations create schemas and
-- public objects, and those objects are the project's.
-- ---------------------------------------------------------------------------
alter database postgres owner to postgres;
grant usage on schema public to anon, authenticated, service_role;
-- The grant that matters most: without it new tables are invisible to the API; with it RLS is the
-- only guard, as on hosted.
alter default privileges for role postgres in schema public
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on sequences to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public
  grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public
  grant all on sequences to postgres, anon, authenticated, service_role;

-- ---------------------------------------------------------------------------
-- Extensions, owned by supabase_admin; postgres may create in the schema (demote-postgres.sql).
-- ---------------------------------------------------------------------------
create schema if not exists extensions;
create extension if not exists pgcrypto with schema extensions;
create extension if not exists "uuid-ossp" with schema extensions;
grant all on schema extensions to postgres;
grant usage on schema extensions to anon, authenticated, service_role;
grant all on all tables in schema extensions to postgres;
grant all on all sequences in schema extensions to postgres;
grant all on all routines in schema extensions to postgres;
alter default privileges in schema extensions grant all on tables to postgres;
alter default privileges in schema extensions grant all on sequences to postgres;
alter default privileges in schema extensions grant all on routines to postgres;

do $$
begin
  if not exists (select from pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
  end if;
end $$;
-- Created by the init scripts while postgres was still the superuser, so it is postgres's.
alter publication supabase_realtime owner to postgres;

-- ---------------------------------------------------------------------------
-- auth: the schema is supabase_admin's, its tables and functions supabase_auth_admin's (the auth
-- server connects as that role, so a trigger on auth.users that is not SECURITY DEFINER fails here
-- exactly as it would on hosted). postgres has USAGE, no CREATE, and ALL on the tables, which lets
-- projects create triggers on and foreign keys to auth.users (20211115181400_update-auth-permissions.sql).
-- ---------------------------------------------------------------------------
create schema if not exists auth authorization supabase_admin;
grant all on schema auth to supabase_auth_admin;
-- Policies call auth.uid(); the API roles may resolve it but read no auth table.
grant usage on schema auth to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_auth_admin in schema auth grant all on tables to postgres;
alter default privileges for role supabase_auth_admin in schema auth grant all on sequences to postgres;
alter default privileges for role supabase_auth_admin in schema auth grant all on routines to postgres;

set role supabase_auth_admin;

do $$
begin
  if not exists (
    select from pg_type where typname = 'aal_level' and typnamespace = 'auth'::regnamespace
  ) then
    create type auth.aal_level as enum ('aal1', 'aal2', 'aal3');
  end if;
end $$;

create table if not exists auth.users (
  instance_id uuid,
  id uuid not null primary key,
  aud varchar(255),
  role varchar(255),
  email varchar(255),
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  invited_at timestamptz,
  confirmation_token varchar(255),
  confirmation_sent_at timestamptz,
  recovery_token varchar(255),
  recovery_sent_at timestamptz,
  email_change_token_new varchar(255),
  email_change varchar(255),
  email_change_sent_at timestamptz,
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_super_admin boolean,
  created_at timestamptz,
  updated_at timestamptz,
  phone text unique default null,
  phone_confirmed_at timestamptz,
  phone_change text default '',
  phone_change_token varchar(255) default '',
  phone_change_sent_at timestamptz,
  confirmed_at timestamptz generated always as (least(email_confirmed_at, phone_confirmed_at)) stored,
  email_change_token_current varchar(255) default '',
  email_change_confirm_status smallint default 0 check (email_change_confirm_status between 0 and 2),
  banned_until timestamptz,
  reauthentication_token varchar(255) default '',
  reauthentication_sent_at timestamptz,
  is_sso_user boolean not null default false,
  deleted_at timestamptz,
  is_anonymous boolean not null default false
);
create unique index if not exists users_email_partial_key on auth.users (email) where is_sso_user = false;
create index if not exists users_instance_id_idx on auth.users (instance_id);
create index if not exists users_is_anonymous_idx on auth.users (is_anonymous);

create table if not exists auth.identities (
  provider_id text not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  identity_data jsonb not null,
  provider text not null,
  last_sign_in_at timestamptz,
  created_at timestamptz,
  updated_at timestamptz,
  email text generated always as (lower(identity_data ->> 'email')) stored,
  id uuid not null default gen_random_uuid() primary key,
  constraint identities_provider_id_provider_unique unique (provider_id, provider)
);
create index if not exists identities_user_id_idx on auth.identities (user_id);
create index if not exists identities_email_idx on auth.identities (email text_pattern_ops);

create table if not exists auth.sessions (
  id uuid not null primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz,
  updated_at timestamptz,
  factor_id uuid,
  aal auth.aal_level,
  not_after timestamptz,
  refreshed_at timestamp,
  user_agent text,
  ip inet,
  tag text
);
create index if not exists sessions_user_id_idx on auth.sessions (user_id);

create table if not exists auth.refresh_tokens (
  instance_id uuid,
  id bigserial primary key,
  token varchar(255) unique,
  user_id varchar(255),
  revoked boolean,
  created_at timestamptz,
  updated_at timestamptz,
  parent varchar(255),
  session_id uuid references auth.sessions (id) on delete cascade
);
create index if not exists refresh_tokens_parent_idx on auth.refresh_tokens (parent);
create index if not exists refresh_tokens_session_id_revoked_idx on auth.refresh_tokens (session_id, revoked);

-- One-time tokens (confirmation, recovery, magic link, invite, email change) as GoTrue keeps them
-- beside the token columns of auth.users (20240427152123_add_one_time_tokens_table.up.sql).
do $$
begin
  if not exists (
    select from pg_type where typname = 'one_time_token_type' and typnamespace = 'auth'::regnamespace
  ) then
    create type auth.one_time_token_type as enum (
      'confirmation_token', 'reauthentication_token', 'recovery_token',
      'email_change_token_new', 'email_change_token_current', 'phone_change_token'
    );
  end if;
  if not exists (
    select from pg_type where typname = 'code_challenge_method' and typnamespace = 'auth'::regnamespace
  ) then
    create type auth.code_challenge_method as enum ('s256', 'plain');
  end if;
end $$;

create table if not exists auth.one_time_tokens (
  id uuid primary key,
  user_id uuid not null references auth.users on delete cascade,
  token_type auth.one_time_token_type not null,
  token_hash text not null check (char_length(token_hash) > 0),
  relates_to text not null,
  created_at timestamp without time zone not null default now(),
  updated_at timestamp without time zone not null default now()
);
create index if not exists one_time_tokens_token_hash_hash_idx on auth.one_time_tokens using hash (token_hash);
create index if not exists one_time_tokens_relates_to_hash_idx on auth.one_time_tokens using hash (relates_to);
create unique index if not exists one_time_tokens_user_id_token_type_key on auth.one_time_tokens (user_id, token_type);

-- How each session was started (the access token's `amr` claim), as GoTrue records it.
create table if not exists auth.mfa_amr_claims (
  session_id uuid not null references auth.sessions (id) on delete cascade,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  authentication_method text not null,
  id uuid not null primary key,
  constraint mfa_amr_claims_session_id_authentication_method_pkey unique (session_id, authentication_method)
);

-- PKCE: the code challenge of a link-based sign-in, until its auth code is exchanged.
create table if not exists auth.flow_state (
  id uuid primary key,
  user_id uuid null,
  auth_code text null,
  code_challenge_method auth.code_challenge_method null,
  code_challenge text null,
  provider_type text not null,
  provider_access_token text null,
  provider_refresh_token text null,
  created_at timestamptz null,
  updated_at timestamptz null,
  authentication_method text not null,
  auth_code_issued_at timestamptz null
);
create index if not exists idx_auth_code on auth.flow_state (auth_code);
create index if not exists idx_user_id_auth_method on auth.flow_state (user_id, authentication_method);

alter table auth.users enable row level security;
alter table auth.identities enable row level security;
alter table auth.sessions enable row level security;
alter table auth.refresh_tokens enable row level security;
alter table auth.one_time_tokens enable row level security;
alter table auth.flow_state enable row level security;
alter table auth.mfa_amr_claims enable row level security;

-- As hosted: `request.jwt.claims` (PostgREST 9+) with the older per-claim setting as a fallback.
create or replace function auth.uid() returns uuid
  language sql stable
  set search_path = ''
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;

create or replace function auth.role() returns text
  language sql stable
  set search_path = ''
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;

create or replace function auth.email() returns text
  language sql stable
  set search_path = ''
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;

create or replace function auth.jwt() returns jsonb
  language sql stable
  set search_path = ''
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

reset role;

-- What the default privileges above give tables the auth server adds later, for the ones made here.
grant all on all tables in schema auth to postgres;
grant all on all sequences in schema auth to postgres;
grant all on all routines in schema auth to postgres;

-- ---------------------------------------------------------------------------
-- storage: the schema is supabase_admin's, its tables and functions supabase_storage_admin's; RLS
-- on objects, all table privileges to the API roles (so the project's policies are the only
-- guard). postgres has USAGE and ALL on buckets and objects, both with grant option, and no CREATE
-- (20250623125453_tmp_grant_storage_tables_to_postgres_with_grant_option.sql,
-- 20250709135250_grant_storage_schema_to_postgres_with_grant_option.sql). ALL includes TRIGGER:
-- projects may create triggers on storage.objects. Policies on it need the table's owner, which
-- postgres is not; see local_supabase.run_granted_statement below.
-- ---------------------------------------------------------------------------
create schema if not exists storage authorization supabase_admin;
grant all on schema storage to supabase_storage_admin;
grant usage on schema storage to postgres with grant option;
grant usage on schema storage to anon, authenticated, service_role;

set role supabase_storage_admin;

create table if not exists storage.buckets (
  id text not null primary key,
  name text not null,
  owner uuid,
  owner_id text,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  public boolean default false,
  avif_autodetection boolean default false,
  file_size_limit bigint,
  allowed_mime_types text[]
);
create unique index if not exists bname on storage.buckets (name);

create table if not exists storage.objects (
  id uuid not null default gen_random_uuid() primary key,
  bucket_id text references storage.buckets (id),
  name text,
  owner uuid,
  owner_id text,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  last_accessed_at timestamptz default now(),
  metadata jsonb,
  path_tokens text[] generated always as (string_to_array(name, '/')) stored,
  version text,
  user_metadata jsonb
);
create unique index if not exists bucketid_objname on storage.objects (bucket_id, name);
create index if not exists name_prefix_search on storage.objects (name text_pattern_ops);

alter table storage.buckets enable row level security;
alter table storage.objects enable row level security;

grant all on storage.buckets, storage.objects to postgres with grant option;
grant all on storage.buckets, storage.objects to anon, authenticated, service_role;

create or replace function storage.foldername(name text) returns text[]
  language plpgsql
as $function$
declare
  _parts text[];
begin
  select string_to_array(name, '/') into _parts;
  return _parts[1:array_length(_parts, 1) - 1];
end
$function$;

create or replace function storage.filename(name text) returns text
  language plpgsql
as $function$
declare
  _parts text[];
begin
  select string_to_array(name, '/') into _parts;
  return _parts[array_length(_parts, 1)];
end
$function$;

create or replace function storage.extension(name text) returns text
  language plpgsql
as $function$
declare
  _parts text[];
  _filename text;
begin
  select string_to_array(name, '/') into _parts;
  select _parts[array_length(_parts, 1)] into _filename;
  return reverse(split_part(reverse(_filename), '.', 1));
end
$function$;

-- The listing behind storage-js `list()`: one level below `prefix`, folders first (with null
-- ids), then files. SECURITY INVOKER, so the caller's policies on storage.objects filter it.
create or replace function storage.search(
  prefix text,
  bucketname text,
  limits int default 100,
  levels int default 1,
  offsets int default 0,
  search text default '',
  sortcolumn text default 'name',
  sortorder text default 'asc'
) returns table (
  name text,
  id uuid,
  updated_at timestamptz,
  created_at timestamptz,
  last_accessed_at timestamptz,
  metadata jsonb
)
  language plpgsql stable
as $function$
declare
  v_order_by text;
  v_sort_order text;
begin
  v_order_by := case
    when sortcolumn in ('name', 'updated_at', 'created_at', 'last_accessed_at') then sortcolumn
    else 'name'
  end;
  v_sort_order := case when lower(sortorder) = 'desc' then 'desc' else 'asc' end;
  return query execute
    'with folders as (
       select path_tokens[$1] as folder
       from storage.objects
       where objects.name ilike $2 || $3 || ''%''
         and bucket_id = $4
         and array_length(objects.path_tokens, 1) <> $1
       group by folder
       order by folder ' || v_sort_order || '
     )
     (select folder as "name",
             null::uuid as id,
             null::timestamptz as updated_at,
             null::timestamptz as created_at,
             null::timestamptz as last_accessed_at,
             null::jsonb as metadata
      from folders)
     union all
     (select path_tokens[$1] as "name",
             id,
             updated_at,
             created_at,
             last_accessed_at,
             metadata
      from storage.objects
      where objects.name ilike $2 || $3 || ''%''
        and bucket_id = $4
        and array_length(objects.path_tokens, 1) = $1
      order by ' || v_order_by || ' ' || v_sort_order || ')
     limit $5
     offset $6'
    using levels, prefix, search, bucketname, limits, offsets;
end;
$function$;

create or replace function storage.update_updated_at_column() returns trigger
  language plpgsql
as $function$
begin
  new.updated_at = now();
  return new;
end;
$function$;

create or replace trigger update_objects_updated_at
  before update on storage.objects
  for each row execute function storage.update_updated_at_column();

-- As storage-api's 0055-prevent-direct-deletes.sql: rows go only through the Storage API, which sets
-- storage.allow_delete_query for its own transactions, so SQL cannot orphan the stored bytes.
create or replace function storage.protect_delete() returns trigger
  language plpgsql
as $function$
begin
  if coalesce(current_setting('storage.allow_delete_query', true), 'false') != 'true' then
    raise exception 'Direct deletion from storage tables is not allowed. Use the Storage API instead.'
      using hint = 'This prevents accidental data loss from orphaned objects.',
            errcode = '42501';
  end if;
  return null;
end;
$function$;

create or replace trigger protect_buckets_delete
  before delete on storage.buckets
  for each statement execute function storage.protect_delete();
create or replace trigger protect_objects_delete
  before delete on storage.objects
  for each statement execute function storage.protect_delete();

reset role;

grant all on all routines in schema storage to postgres;

-- ---------------------------------------------------------------------------
-- PostgREST reloads its schema cache on this notification, so new migrations show up at once.
-- ---------------------------------------------------------------------------
create or replace function extensions.pgrst_ddl_watch() returns event_trigger
  language plpgsql
as $$
begin
  notify pgrst, 'reload schema';
end;
$$;

do $$
begin
  if not exists (select from pg_event_trigger where evtname = 'pgrst_ddl_watch') then
    create event trigger pgrst_ddl_watch on ddl_command_end
      execute procedure extensions.pgrst_ddl_watch();
  end if;
end $$;

-- ---------------------------------------------------------------------------
-- supautils' policy_grants and drop_trigger_grants, which hosted has and a plain Postgres lacks:
-- postgres may CREATE/ALTER/DROP/COMMENT ON POLICY and DROP TRIGGER on auth's and storage's tables
-- without owning them. The migration runner (src/granted-statements.ts) recognises exactly those
-- statements, registers each one's text (as supabase_admin, on its own connection) and runs it
-- through this function, which runs only registered texts, each once. Nothing else postgres
-- runs gains any privilege: ALTER TABLE, CREATE INDEX, ENABLE/DISABLE TRIGGER ... on those
-- tables fail here exactly as they fail on hosted.
-- ---------------------------------------------------------------------------
create schema if not exists local_supabase;
revoke all on schema local_supabase from public;
grant usage on schema local_supabase to postgres;

create table if not exists local_supabase.granted_statements (
  id bigint generated always as identity primary key,
  digest text not null,
  created_at timestamptz not null default now()
);
revoke all on local_supabase.granted_statements from public;

-- No SET search_path, like supautils: the statement resolves names with the migration's own
-- search_path. Everything the body itself names is schema-qualified for that reason.
create or replace function local_supabase.run_granted_statement(statement text) returns void
  language plpgsql
  security definer
as $function$
declare
  v_granted bigint;
begin
  delete from local_supabase.granted_statements g
  where g.id operator(pg_catalog.=) (
    select c.id
    from local_supabase.granted_statements c
    where c.digest operator(pg_catalog.=)
      pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(statement, 'UTF8')), 'hex')
    limit 1
  )
  returning g.id into v_granted;
  if v_granted is null then
    raise exception 'permission denied: this statement was not granted by the migration runner'
      using errcode = '42501';
  end if;
  execute statement;
end;
$function$;

revoke all on function local_supabase.run_granted_statement(text) from public;
grant execute on function local_supabase.run_granted_statement(text) to postgres;
