-- Tenancy: organizations, memberships, the one membership helper, plans and subscriptions.
--
-- Sections: helpers · organizations · memberships · plans · subscriptions · RPCs (service role) ·
--           personal organization on sign-up · RLS policies
--
-- Writes that touch several tables (creating an organization, changing a plan, managing members)
-- go through SECURITY DEFINER functions that only the service role may execute: the app checks who
-- may act (requireOrgRole) and the function does the writes in one transaction and re-checks the
-- invariants (an organization always keeps an owner; only owners grant or remove the owner role).

------------------------------------------------------------------------------------------------
-- Types and the tenancy helper
------------------------------------------------------------------------------------------------
create type public.org_role as enum ('owner', 'admin', 'member');
create type public.subscription_status as enum ('active', 'trialing', 'past_due', 'canceled');

create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null check (char_length(btrim(name)) between 1 and 80),
  is_personal boolean not null default false,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now()
);
create index organizations_created_by_idx on public.organizations (created_by);

create table public.memberships (
  org_id uuid not null references public.organizations (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.org_role not null default 'member',
  created_at timestamptz not null default now(),
  primary key (org_id, user_id)
);
create index memberships_user_id_idx on public.memberships (user_id);
-- Adding a member looks people up by email.
create index profiles_email_idx on public.profiles (email);

-- The caller's role in an organization, or null when they are not a member. Every tenancy check
-- in the policies goes through this one function. SECURITY DEFINER so it can read memberships
-- without recursing into memberships' own policies; STABLE so Postgres evaluates it once per
-- statement and argument.
create or replace function private.org_role(p_org_id uuid)
returns public.org_role
language sql
stable
security definer
set search_path = ''
as $$
  select m.role
  from public.memberships m
  where m.org_id = p_org_id and m.user_id = (select auth.uid());
$$;

revoke execute on function private.org_role(uuid) from public, anon;
grant execute on function private.org_role(uuid) to authenticated, service_role;

-- Turns text into a uuid, or null when it is not one (storage paths are user input).
create or replace function private.try_uuid(p_value text)
returns uuid
language plpgsql
immutable
set search_path = ''
as $$
begin
  return p_value::uuid;
exception when invalid_text_representation then
  return null;
end;
$$;

grant execute on function private.try_uuid(text) to authenticated, service_role;

------------------------------------------------------------------------------------------------
-- Plans: reference data, read by everyone signed in. Limits use the keys of the metric catalog (docs/architecture.md §3);
-- null means unlimited. Prices are per month, in cents.
------------------------------------------------------------------------------------------------
create table public.plans (
  id text primary key,
  name text not null,
  price_cents integer not null check (price_cents >= 0),
  limits jsonb not null,
  sort_order integer not null,
  constraint plans_limits_keys check (
    limits ?& array[
      'max_records', 'max_api_calls_per_month', 'max_automations', 'max_storage_gb',
      'max_schedule_runs_per_month', 'max_ai_tokens_per_month', 'max_active_users'
    ]
  )
);

insert into public.plans (id, name, price_cents, sort_order, limits) values
  ('free', 'Free', 0, 1, '{"max_records": 500, "max_api_calls_per_month": 1000, "max_automations": 100,
    "max_storage_gb": 1, "max_schedule_runs_per_month": 100, "max_ai_tokens_per_month": 20000,
    "max_active_users": 3}'),
  ('pro', 'Pro', 2900, 2, '{"max_records": 10000, "max_api_calls_per_month": 100000, "max_automations": 5000,
    "max_storage_gb": 25, "max_schedule_runs_per_month": 5000, "max_ai_tokens_per_month": 1000000,
    "max_active_users": 20}'),
  ('business', 'Business', 9900, 3, '{"max_records": 100000, "max_api_calls_per_month": 1000000,
    "max_automations": 50000, "max_storage_gb": 250, "max_schedule_runs_per_month": 50000,
    "max_ai_tokens_per_month": 10000000, "max_active_users": 100}'),
  ('enterprise', 'Enterprise', 49900, 4, '{"max_records": null, "max_api_calls_per_month": null,
    "max_automations": null, "max_storage_gb": null, "max_schedule_runs_per_month": null,
    "max_ai_tokens_per_month": null, "max_active_users": null}')
on conflict (id) do update
  set name = excluded.name, price_cents = excluded.price_cents, limits = excluded.limits,
      sort_order = excluded.sort_order;

------------------------------------------------------------------------------------------------
-- Subscriptions: one per organization, and a log of every plan change.
------------------------------------------------------------------------------------------------
create table public.org_subscriptions (
  org_id uuid primary key references public.organizations (id) on delete cascade,
  plan_id text not null references public.plans (id),
  status public.subscription_status not null default 'active',
  current_period_start timestamptz not null,
  current_period_end timestamptz not null,
  updated_at timestamptz not null default now(),
  check (current_period_end > current_period_start)
);
create index org_subscriptions_plan_id_idx on public.org_subscriptions (plan_id);

create table public.subscription_changes (
  id bigint generated always as identity primary key,
  org_id uuid not null references public.organizations (id) on delete cascade,
  from_plan_id text references public.plans (id),
  to_plan_id text not null references public.plans (id),
  changed_by uuid references auth.users (id) on delete set null,
  changed_at timestamptz not null default now()
);
create index subscription_changes_org_id_idx on public.subscription_changes (org_id, changed_at desc);
create index subscription_changes_from_plan_id_idx on public.subscription_changes (from_plan_id);
create index subscription_changes_to_plan_id_idx on public.subscription_changes (to_plan_id);
create index subscription_changes_changed_by_idx on public.subscription_changes (changed_by);

------------------------------------------------------------------------------------------------
-- RPCs for the service role
------------------------------------------------------------------------------------------------
-- An organization with its owner and a free subscription for the current UTC month.
create or replace function public.create_organization(p_name text, p_owner uuid, p_is_personal boolean default false)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_org_id uuid;
  v_month timestamptz := date_trunc('month', now() at time zone 'utc') at time zone 'utc';
begin
  insert into public.organizations (name, is_personal, created_by)
  values (btrim(p_name), p_is_personal, p_owner)
  returning id into v_org_id;

  insert into public.memberships (org_id, user_id, role) values (v_org_id, p_owner, 'owner');

  insert into public.org_subscriptions (org_id, plan_id, status, current_period_start, current_period_end)
  values (v_org_id, 'free', 'active', v_month, v_month + interval '1 month');

  insert into public.subscription_changes (org_id, from_plan_id, to_plan_id, changed_by)
  values (v_org_id, null, 'free', p_owner);

  return v_org_id;
end;
$$;

-- Switches an organization's plan and records who did it. Only an owner may (re-checked here).
create or replace function public.change_org_plan(p_org_id uuid, p_plan_id text, p_actor uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_from text;
begin
  if not exists (
    select 1 from public.memberships where org_id = p_org_id and user_id = p_actor and role = 'owner'
  ) then
    raise exception 'Only an owner can change the plan' using errcode = '42501';
  end if;
  if not exists (select 1 from public.plans where id = p_plan_id) then
    raise exception 'Unknown plan "%"', p_plan_id using errcode = '22023';
  end if;

  select plan_id into v_from from public.org_subscriptions where org_id = p_org_id for update;
  if v_from = p_plan_id then
    return;
  end if;

  update public.org_subscriptions
  set plan_id = p_plan_id, status = 'active', updated_at = now()
  where org_id = p_org_id;

  insert into public.subscription_changes (org_id, from_plan_id, to_plan_id, changed_by)
  values (p_org_id, v_from, p_plan_id, p_actor);
end;
$$;

-- Adds, re-roles or removes a member (p_role null = remove) on behalf of p_actor.
-- Rules: owners and admins manage members; only owners grant or take the owner role; the last
-- owner can neither leave nor be demoted; anyone may remove themselves (leave).
create or replace function public.set_membership(p_org_id uuid, p_user_id uuid, p_role public.org_role, p_actor uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_actor_role public.org_role;
  v_current public.org_role;
begin
  select role into v_actor_role from public.memberships where org_id = p_org_id and user_id = p_actor;
  select role into v_current from public.memberships where org_id = p_org_id and user_id = p_user_id for update;

  if not (v_actor_role in ('owner', 'admin') or (p_user_id = p_actor and p_role is null and v_actor_role is not null)) then
    raise exception 'Only owners and admins can manage members' using errcode = '42501';
  end if;
  if (p_role = 'owner' or v_current = 'owner') and v_actor_role <> 'owner' then
    raise exception 'Only an owner can grant or remove the owner role' using errcode = '42501';
  end if;
  if v_current = 'owner' and p_role is distinct from 'owner' and not exists (
    select 1 from public.memberships
    where org_id = p_org_id and role = 'owner' and user_id <> p_user_id
  ) then
    raise exception 'An organization needs at least one owner: make someone else owner first' using errcode = '23514';
  end if;

  if p_role is null then
    if v_current is null then
      raise exception 'That user is not a member' using errcode = 'P0002';
    end if;
    delete from public.memberships where org_id = p_org_id and user_id = p_user_id;
  elsif v_current is null then
    insert into public.memberships (org_id, user_id, role) values (p_org_id, p_user_id, p_role);
  else
    update public.memberships set role = p_role where org_id = p_org_id and user_id = p_user_id;
  end if;
end;
$$;

revoke execute on function public.create_organization(text, uuid, boolean) from public, anon, authenticated;
revoke execute on function public.change_org_plan(uuid, text, uuid) from public, anon, authenticated;
revoke execute on function public.set_membership(uuid, uuid, public.org_role, uuid) from public, anon, authenticated;
grant execute on function public.create_organization(text, uuid, boolean) to service_role;
grant execute on function public.change_org_plan(uuid, text, uuid) to service_role;
grant execute on function public.set_membership(uuid, uuid, public.org_role, uuid) to service_role;

------------------------------------------------------------------------------------------------
-- Every new user gets a personal organization (extends the profile trigger of the first migration).
------------------------------------------------------------------------------------------------
create or replace function private.handle_new_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_name text := nullif(btrim(coalesce(new.raw_user_meta_data ->> 'display_name', new.raw_user_meta_data ->> 'full_name', '')), '');
begin
  insert into public.profiles (id, email, display_name)
  values (new.id, lower(coalesce(new.email, '')), v_name);

  perform public.create_organization(
    left(coalesce(v_name, split_part(coalesce(new.email, 'My'), '@', 1)), 60) || '''s workspace',
    new.id,
    true
  );
  return new;
end;
$$;

------------------------------------------------------------------------------------------------
-- RLS. Members read their organizations, memberships, subscriptions and plan history; writes go
-- through the RPCs above. Teammates can read each other's profiles.
------------------------------------------------------------------------------------------------
alter table public.organizations enable row level security;
alter table public.memberships enable row level security;
alter table public.plans enable row level security;
alter table public.org_subscriptions enable row level security;
alter table public.subscription_changes enable row level security;

create policy organizations_select on public.organizations
  for select to authenticated
  using (private.org_role(id) is not null);

create policy memberships_select on public.memberships
  for select to authenticated
  using (private.org_role(org_id) is not null);

create policy plans_select on public.plans
  for select to authenticated
  using (true);

create policy org_subscriptions_select on public.org_subscriptions
  for select to authenticated
  using (private.org_role(org_id) is not null);

create policy subscription_changes_select on public.subscription_changes
  for select to authenticated
  using (private.org_role(org_id) in ('owner', 'admin'));

drop policy profiles_select on public.profiles;
create policy profiles_select on public.profiles
  for select to authenticated
  using (
    (select auth.uid()) = id
    or exists (select 1 from public.memberships m where m.user_id = profiles.id)
  );

revoke insert, update, delete, truncate on public.organizations, public.memberships, public.plans,
  public.org_subscriptions, public.subscription_changes from anon, authenticated;
revoke all on public.organizations, public.memberships, public.plans, public.org_subscriptions,
  public.subscription_changes from anon;
