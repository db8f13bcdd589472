-- Invitations: owners and admins invite people by email, with a role; the invitee accepts once
-- signed in with that (confirmed) address and becomes a member. Also keeps profiles.email in step
-- with a confirmed email change.
--
-- Sections: invitations table · the caller's confirmed email · RPCs (service role) · RLS and
--           privileges · profile email follows auth.users
--
-- As with memberships, every write goes through a SECURITY DEFINER function only the service role
-- may execute: the app authorizes (requireOrgRole) and the function re-checks the rules in one
-- transaction (only owners and admins invite, only owners invite owners, one pending invitation
-- per address and organization, only the addressee accepts, revocations are final).

------------------------------------------------------------------------------------------------
-- invitations
------------------------------------------------------------------------------------------------
create type public.invitation_status as enum ('pending', 'accepted', 'declined', 'revoked');

create table public.invitations (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  email text not null check (email = lower(btrim(email)) and char_length(email) between 3 and 254 and email like '%_@_%'),
  role public.org_role not null default 'member',
  status public.invitation_status not null default 'pending',
  invited_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  -- Resending moves these: the link in the newest email is the one that counts.
  last_sent_at timestamptz not null default now(),
  send_count integer not null default 1 check (send_count >= 1),
  expires_at timestamptz not null default now() + interval '7 days',
  responded_by uuid references auth.users (id) on delete set null,
  responded_at timestamptz,
  check (expires_at > created_at),
  check ((status = 'pending') = (responded_at is null))
);

comment on table public.invitations is
  'Pending and answered invitations to join an organization. Written only by the invitation RPCs.';

create unique index invitations_one_pending_key on public.invitations (org_id, email) where status = 'pending';
create index invitations_org_id_idx on public.invitations (org_id, created_at desc);
create index invitations_email_idx on public.invitations (email) where status = 'pending';
create index invitations_invited_by_idx on public.invitations (invited_by);
create index invitations_responded_by_idx on public.invitations (responded_by);

------------------------------------------------------------------------------------------------
-- The caller's email, from auth.users and only once confirmed: an invitation is for whoever
-- proved they read that inbox. (The JWT's email claim can lag an email change by an hour.)
------------------------------------------------------------------------------------------------
create or replace function private.confirmed_email(p_user_id uuid)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select lower(u.email) from auth.users u
  where u.id = p_user_id and u.email_confirmed_at is not null and u.deleted_at is null;
$$;

revoke execute on function private.confirmed_email(uuid) from public, anon;
grant execute on function private.confirmed_email(uuid) to authenticated, service_role;

------------------------------------------------------------------------------------------------
-- RPCs for the service role
------------------------------------------------------------------------------------------------
-- A new invitation. Refuses people who are already members and addresses with a pending one.
create or replace function public.create_invitation(p_org_id uuid, p_email text, p_role public.org_role, p_actor uuid)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_actor_role public.org_role;
  v_email text := lower(btrim(coalesce(p_email, '')));
  v_id uuid;
begin
  select role into v_actor_role from public.memberships where org_id = p_org_id and user_id = p_actor;
  if v_actor_role is null or v_actor_role not in ('owner', 'admin') then
    raise exception 'Only owners and admins can invite people' using errcode = '42501';
  end if;
  if p_role = 'owner' and v_actor_role <> 'owner' then
    raise exception 'Only an owner can invite someone as owner' using errcode = '42501';
  end if;
  if p_role is null then
    raise exception 'Choose a role for the invitation' using errcode = '22023';
  end if;
  if exists (
    select 1 from public.memberships m join public.profiles p on p.id = m.user_id
    where m.org_id = p_org_id and p.email = v_email
  ) then
    raise exception '% is already a member of this organization', v_email using errcode = '23505';
  end if;
  if exists (
    select 1 from public.invitations
    where org_id = p_org_id and email = v_email and status = 'pending' and expires_at > now()
  ) then
    raise exception '% already has a pending invitation: resend it from the list', v_email using errcode = '23505';
  end if;
  -- An expired invitation gives way to the new one.
  update public.invitations set status = 'revoked', responded_at = now()
  where org_id = p_org_id and email = v_email and status = 'pending';

  insert into public.invitations (org_id, email, role, invited_by)
  values (p_org_id, v_email, p_role, p_actor)
  returning id into v_id;
  return v_id;
end;
$$;

-- Counts a new email for a pending invitation and gives it seven more days. At most one a minute.
create or replace function public.resend_invitation(p_invitation_id uuid, p_org_id uuid, p_actor uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_invitation public.invitations;
begin
  if not exists (
    select 1 from public.memberships
    where org_id = p_org_id and user_id = p_actor and role in ('owner', 'admin')
  ) then
    raise exception 'Only owners and admins can resend invitations' using errcode = '42501';
  end if;
  select * into v_invitation from public.invitations
  where id = p_invitation_id and org_id = p_org_id
  for update;
  if not found then
    raise exception 'Invitation not found' using errcode = 'P0002';
  end if;
  if v_invitation.status <> 'pending' then
    raise exception 'This invitation was already %', v_invitation.status using errcode = '23514';
  end if;
  if v_invitation.last_sent_at > now() - interval '60 seconds' then
    raise exception 'An email for this invitation went out less than a minute ago: wait a moment'
      using errcode = 'PT429';
  end if;
  update public.invitations
  set last_sent_at = now(), send_count = send_count + 1, expires_at = now() + interval '7 days'
  where id = p_invitation_id;
end;
$$;

create or replace function public.revoke_invitation(p_invitation_id uuid, p_org_id uuid, p_actor uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_status public.invitation_status;
begin
  if not exists (
    select 1 from public.memberships
    where org_id = p_org_id and user_id = p_actor and role in ('owner', 'admin')
  ) then
    raise exception 'Only owners and admins can revoke invitations' using errcode = '42501';
  end if;
  select status into v_status from public.invitations
  where id = p_invitation_id and org_id = p_org_id
  for update;
  if not found then
    raise exception 'Invitation not found' using errcode = 'P0002';
  end if;
  if v_status <> 'pending' then
    raise exception 'This invitation was already %', v_status using errcode = '23514';
  end if;
  update public.invitations set status = 'revoked', responded_by = p_actor, responded_at = now()
  where id = p_invitation_id;
end;
$$;

-- Accepts (p_accept) or declines an invitation on behalf of p_user, who must hold its address.
-- Accepting makes them a member with the invited role (someone who already is one keeps theirs).
-- Returns the organization.
create or replace function public.respond_to_invitation(p_invitation_id uuid, p_user uuid, p_accept boolean)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_invitation public.invitations;
begin
  select * into v_invitation from public.invitations where id = p_invitation_id for update;
  -- Someone else's invitation looks exactly like a missing one.
  if not found or v_invitation.email is distinct from private.confirmed_email(p_user) then
    raise exception 'Invitation not found' using errcode = 'P0002';
  end if;
  if v_invitation.status <> 'pending' then
    raise exception 'This invitation was already %', v_invitation.status using errcode = '23514';
  end if;
  if v_invitation.expires_at <= now() then
    raise exception 'This invitation has expired: ask for a new one' using errcode = '23514';
  end if;

  update public.invitations
  set status = case when p_accept then 'accepted'::public.invitation_status else 'declined' end,
      responded_by = p_user, responded_at = now()
  where id = p_invitation_id;

  if p_accept then
    insert into public.memberships (org_id, user_id, role)
    values (v_invitation.org_id, p_user, v_invitation.role)
    on conflict (org_id, user_id) do nothing;
  end if;
  return v_invitation.org_id;
end;
$$;

revoke execute on function public.create_invitation(uuid, text, public.org_role, uuid) from public, anon, authenticated;
revoke execute on function public.resend_invitation(uuid, uuid, uuid) from public, anon, authenticated;
revoke execute on function public.revoke_invitation(uuid, uuid, uuid) from public, anon, authenticated;
revoke execute on function public.respond_to_invitation(uuid, uuid, boolean) from public, anon, authenticated;
grant execute on function public.create_invitation(uuid, text, public.org_role, uuid) to service_role;
grant execute on function public.resend_invitation(uuid, uuid, uuid) to service_role;
grant execute on function public.revoke_invitation(uuid, uuid, uuid) to service_role;
grant execute on function public.respond_to_invitation(uuid, uuid, boolean) to service_role;

------------------------------------------------------------------------------------------------
-- RLS: owners and admins read their organization's invitations; anyone reads the ones addressed
-- to their confirmed email. Nobody writes them directly.
------------------------------------------------------------------------------------------------
alter table public.invitations enable row level security;

create policy invitations_select on public.invitations
  for select to authenticated
  using (
    private.org_role(org_id) in ('owner', 'admin')
    or email = (select private.confirmed_email((select auth.uid())))
  );

revoke all on public.invitations from anon;
revoke insert, update, delete, truncate on public.invitations from authenticated;
grant select on public.invitations to authenticated;

-- An invitee sees which organization invited them before joining it.
drop policy organizations_select on public.organizations;
create policy organizations_select on public.organizations
  for select to authenticated
  using (
    private.org_role(id) is not null
    or exists (
      select 1 from public.invitations i
      where i.org_id = organizations.id and i.status = 'pending'
        and i.email = (select private.confirmed_email((select auth.uid())))
    )
  );

------------------------------------------------------------------------------------------------
-- profiles.email follows a confirmed email change (the auth server updates auth.users).
------------------------------------------------------------------------------------------------
create or replace function private.handle_user_email_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.profiles set email = lower(coalesce(new.email, '')) where id = new.id;
  return new;
end;
$$;

revoke execute on function private.handle_user_email_change() from public, anon, authenticated;

create trigger on_auth_user_email_changed
  after update of email on auth.users
  for each row
  when (old.email is distinct from new.email)
  execute function private.handle_user_email_change();
