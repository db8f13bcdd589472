-- The product actions that usage measures: records, API keys, automations and their runs,
-- schedules, files attached to records (Supabase Storage), AI requests.
--
-- Sections: records · api keys · automations · automation runs · schedules · files + storage ·
--           ai requests · RLS policies

------------------------------------------------------------------------------------------------
-- Records
------------------------------------------------------------------------------------------------
create table public.records (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  created_by uuid references auth.users (id) on delete set null,
  title text not null check (char_length(btrim(title)) between 1 and 200),
  body text not null default '' check (char_length(body) <= 20000),
  tags text[] not null default '{}' check (cardinality(tags) <= 20),
  archived boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- lets children reference (id, org_id) so a child can never point into another organization
  unique (id, org_id)
);
create index records_org_id_created_at_idx on public.records (org_id, created_at desc);
create index records_created_by_idx on public.records (created_by);

create trigger records_touch_updated_at
  before update on public.records
  for each row execute function private.touch_updated_at();

------------------------------------------------------------------------------------------------
-- API keys: only a SHA-256 hash is stored; the secret is shown once at creation.
------------------------------------------------------------------------------------------------
create table public.api_keys (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  created_by uuid not null references auth.users (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 80),
  prefix text not null,
  key_hash text not null unique,
  last_used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now()
);
create index api_keys_org_id_idx on public.api_keys (org_id, created_at desc);
create index api_keys_created_by_idx on public.api_keys (created_by);

------------------------------------------------------------------------------------------------
-- Automations: an action over the records that match a filter.
-- filter: {"tag"?: text, "title_contains"?: text, "include_archived"?: bool}
-- action 'tag' adds params.tag; action 'archive' archives.
------------------------------------------------------------------------------------------------
create type public.automation_action as enum ('tag', 'archive');
create type public.automation_trigger as enum ('manual', 'schedule');
create type public.automation_run_status as enum ('succeeded', 'failed');

create table public.automations (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  created_by uuid references auth.users (id) on delete set null,
  name text not null check (char_length(btrim(name)) between 1 and 80),
  action public.automation_action not null,
  filter jsonb not null default '{}' check (jsonb_typeof(filter) = 'object'),
  params jsonb not null default '{}' check (jsonb_typeof(params) = 'object'),
  created_at timestamptz not null default now(),
  check (action <> 'tag' or coalesce(btrim(params ->> 'tag'), '') <> ''),
  unique (id, org_id)
);
create index automations_org_id_idx on public.automations (org_id, created_at desc);
create index automations_created_by_idx on public.automations (created_by);

create table public.automation_runs (
  id uuid primary key default gen_random_uuid(),
  automation_id uuid not null,
  org_id uuid not null references public.organizations (id) on delete cascade,
  triggered_by uuid references auth.users (id) on delete set null,
  trigger public.automation_trigger not null,
  schedule_id uuid,
  status public.automation_run_status not null,
  records_matched integer not null default 0,
  records_changed integer not null default 0,
  error text,
  started_at timestamptz not null,
  finished_at timestamptz not null,
  duration_ms numeric(12, 3) not null,
  foreign key (automation_id, org_id) references public.automations (id, org_id) on delete cascade
);
create index automation_runs_automation_id_idx on public.automation_runs (automation_id, org_id, started_at desc);
create index automation_runs_org_id_idx on public.automation_runs (org_id, started_at desc);
create index automation_runs_triggered_by_idx on public.automation_runs (triggered_by);
create index automation_runs_schedule_id_idx on public.automation_runs (schedule_id);

------------------------------------------------------------------------------------------------
-- Schedules: a cron expression (UTC) attached to an automation; the app computes next_run_at
-- with a cron parser and the schedules cron route runs the due ones.
------------------------------------------------------------------------------------------------
create table public.schedules (
  id uuid primary key default gen_random_uuid(),
  automation_id uuid not null,
  org_id uuid not null references public.organizations (id) on delete cascade,
  created_by uuid references auth.users (id) on delete set null,
  cron text not null check (char_length(cron) between 9 and 120),
  enabled boolean not null default true,
  next_run_at timestamptz not null,
  last_run_at timestamptz,
  created_at timestamptz not null default now(),
  foreign key (automation_id, org_id) references public.automations (id, org_id) on delete cascade
);
create index schedules_due_idx on public.schedules (next_run_at) where enabled;
create index schedules_automation_id_idx on public.schedules (automation_id, org_id);
create index schedules_org_id_idx on public.schedules (org_id);
create index schedules_created_by_idx on public.schedules (created_by);

alter table public.automation_runs
  add constraint automation_runs_schedule_id_fkey foreign key (schedule_id)
  references public.schedules (id) on delete set null;

-- Runs an automation in one transaction and records the run (result and duration).
-- Called by the service role: the app checks the caller's role first (or it is the scheduler).
create or replace function public.run_automation(
  p_automation_id uuid,
  p_trigger public.automation_trigger,
  p_actor uuid,
  p_schedule_id uuid default null
)
returns public.automation_runs
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_automation public.automations;
  v_started timestamptz := clock_timestamp();
  v_matched integer := 0;
  v_changed integer := 0;
  v_run public.automation_runs;
  v_tag text;
  v_contains text;
  v_include_archived boolean;
begin
  select * into v_automation from public.automations where id = p_automation_id;
  if not found then
    raise exception 'Automation % not found', p_automation_id using errcode = 'P0002';
  end if;

  v_tag := nullif(btrim(v_automation.filter ->> 'tag'), '');
  v_contains := nullif(btrim(v_automation.filter ->> 'title_contains'), '');
  v_include_archived := coalesce((v_automation.filter ->> 'include_archived')::boolean, false);

  create temporary table if not exists pg_temp.automation_targets (id uuid primary key) on commit drop;
  truncate pg_temp.automation_targets;
  insert into pg_temp.automation_targets (id)
  select r.id from public.records r
  where r.org_id = v_automation.org_id
    and (v_include_archived or not r.archived)
    and (v_tag is null or v_tag = any (r.tags))
    and (v_contains is null or r.title ilike '%' || replace(replace(v_contains, '%', '\%'), '_', '\_') || '%');
  get diagnostics v_matched = row_count;

  if v_automation.action = 'tag' then
    update public.records r
    set tags = array_append(r.tags, v_automation.params ->> 'tag')
    from pg_temp.automation_targets t
    where r.id = t.id and not ((v_automation.params ->> 'tag') = any (r.tags)) and cardinality(r.tags) < 20;
  else
    update public.records r
    set archived = true
    from pg_temp.automation_targets t
    where r.id = t.id and not r.archived;
  end if;
  get diagnostics v_changed = row_count;

  insert into public.automation_runs (
    automation_id, org_id, triggered_by, trigger, schedule_id, status,
    records_matched, records_changed, started_at, finished_at, duration_ms
  )
  values (
    v_automation.id, v_automation.org_id, p_actor, p_trigger, p_schedule_id, 'succeeded',
    v_matched, v_changed, v_started, clock_timestamp(),
    extract(epoch from clock_timestamp() - v_started) * 1000
  )
  returning * into v_run;

  return v_run;
end;
$$;

revoke execute on function public.run_automation(uuid, public.automation_trigger, uuid, uuid) from public, anon, authenticated;
grant execute on function public.run_automation(uuid, public.automation_trigger, uuid, uuid) to service_role;

------------------------------------------------------------------------------------------------
-- Files: objects in the private `record-files` bucket under <org_id>/<record_id>/<file id>-<name>,
-- with a row here that knows the size. Storage policies let members reach only their org's folder.
------------------------------------------------------------------------------------------------
create table public.record_files (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  record_id uuid not null,
  uploaded_by uuid references auth.users (id) on delete set null,
  storage_path text not null unique,
  file_name text not null check (char_length(file_name) between 1 and 255),
  content_type text not null,
  size_bytes bigint not null check (size_bytes >= 0),
  created_at timestamptz not null default now(),
  foreign key (record_id, org_id) references public.records (id, org_id) on delete cascade,
  check (storage_path like org_id::text || '/' || record_id::text || '/%')
);
create index record_files_record_id_idx on public.record_files (record_id, org_id, created_at desc);
create index record_files_org_id_idx on public.record_files (org_id);
create index record_files_uploaded_by_idx on public.record_files (uploaded_by);

insert into storage.buckets (id, name, public, file_size_limit)
values ('record-files', 'record-files', false, 52428800)
on conflict (id) do nothing;

create policy record_files_objects_select on storage.objects
  for select to authenticated
  using (bucket_id = 'record-files' and private.org_role(private.try_uuid((storage.foldername(name))[1])) is not null);

create policy record_files_objects_insert on storage.objects
  for insert to authenticated
  with check (bucket_id = 'record-files' and private.org_role(private.try_uuid((storage.foldername(name))[1])) is not null);

create policy record_files_objects_delete on storage.objects
  for delete to authenticated
  using (bucket_id = 'record-files' and private.org_role(private.try_uuid((storage.foldername(name))[1])) is not null);

------------------------------------------------------------------------------------------------
-- AI requests: one row per "summarize this record", with the provider's reported token usage.
------------------------------------------------------------------------------------------------
create table public.ai_requests (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  record_id uuid references public.records (id) on delete set null,
  user_id uuid references auth.users (id) on delete set null,
  model text not null,
  prompt_tokens integer not null check (prompt_tokens >= 0),
  completion_tokens integer not null check (completion_tokens >= 0),
  total_tokens integer not null check (total_tokens >= 0),
  summary text not null,
  duration_ms integer not null,
  created_at timestamptz not null default now()
);
create index ai_requests_org_id_idx on public.ai_requests (org_id, created_at desc);
create index ai_requests_record_id_idx on public.ai_requests (record_id, created_at desc);
create index ai_requests_user_id_idx on public.ai_requests (user_id);

------------------------------------------------------------------------------------------------
-- RLS. Members read and write their org's records and files; owners and admins manage API keys,
-- automations and schedules; members run automations (through the app, which uses run_automation).
------------------------------------------------------------------------------------------------
alter table public.records enable row level security;
alter table public.api_keys enable row level security;
alter table public.automations enable row level security;
alter table public.automation_runs enable row level security;
alter table public.schedules enable row level security;
alter table public.record_files enable row level security;
alter table public.ai_requests enable row level security;

create policy records_select on public.records
  for select to authenticated using (private.org_role(org_id) is not null);
create policy records_insert on public.records
  for insert to authenticated
  with check (private.org_role(org_id) is not null and created_by = (select auth.uid()));
create policy records_update on public.records
  for update to authenticated
  using (private.org_role(org_id) is not null)
  with check (private.org_role(org_id) is not null);
create policy records_delete on public.records
  for delete to authenticated
  using (private.org_role(org_id) in ('owner', 'admin') or created_by = (select auth.uid()) and private.org_role(org_id) is not null);

create policy api_keys_select on public.api_keys
  for select to authenticated using (private.org_role(org_id) in ('owner', 'admin'));
create policy api_keys_insert on public.api_keys
  for insert to authenticated
  with check (private.org_role(org_id) in ('owner', 'admin') and created_by = (select auth.uid()));
create policy api_keys_update on public.api_keys
  for update to authenticated
  using (private.org_role(org_id) in ('owner', 'admin'))
  with check (private.org_role(org_id) in ('owner', 'admin'));

create policy automations_select on public.automations
  for select to authenticated using (private.org_role(org_id) is not null);
create policy automations_insert on public.automations
  for insert to authenticated
  with check (private.org_role(org_id) in ('owner', 'admin') and created_by = (select auth.uid()));
create policy automations_delete on public.automations
  for delete to authenticated using (private.org_role(org_id) in ('owner', 'admin'));

create policy automation_runs_select on public.automation_runs
  for select to authenticated using (private.org_role(org_id) is not null);

create policy schedules_select on public.schedules
  for select to authenticated using (private.org_role(org_id) is not null);
create policy schedules_insert on public.schedules
  for insert to authenticated
  with check (private.org_role(org_id) in ('owner', 'admin') and created_by = (select auth.uid()));
create policy schedules_update on public.schedules
  for update to authenticated
  using (private.org_role(org_id) in ('owner', 'admin'))
  with check (private.org_role(org_id) in ('owner', 'admin'));
create policy schedules_delete on public.schedules
  for delete to authenticated using (private.org_role(org_id) in ('owner', 'admin'));

create policy record_files_select on public.record_files
  for select to authenticated using (private.org_role(org_id) is not null);
create policy record_files_insert on public.record_files
  for insert to authenticated
  with check (private.org_role(org_id) is not null and uploaded_by = (select auth.uid()));
create policy record_files_delete on public.record_files
  for delete to authenticated using (private.org_role(org_id) is not null);

create policy ai_requests_select on public.ai_requests
  for select to authenticated using (private.org_role(org_id) is not null);

-- Only what the policies above allow is granted; everything else goes through the service role.
revoke all on public.records, public.api_keys, public.automations, public.automation_runs,
  public.schedules, public.record_files, public.ai_requests from anon;
revoke insert, update, delete, truncate on public.automation_runs, public.ai_requests from authenticated;
revoke update, truncate on public.automations, public.record_files from authenticated;
revoke delete, truncate on public.api_keys from authenticated;
revoke update on public.api_keys from authenticated;
grant update (revoked_at) on public.api_keys to authenticated;
revoke truncate on public.records, public.schedules from authenticated;
