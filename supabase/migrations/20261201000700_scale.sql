-- Scale on one Postgres (docs/scale.md): usage_events partitioned by month, idempotency kept in
-- one key table, partitions created ahead and dropped by retention, late marks per organization,
-- monthly roll-ups computed from daily rows, and reads that start where their scope's history
-- starts.
--
-- Sections: key table · partitioned usage_events · partition upkeep · retention · late marks per
-- organization · writers · aggregate_usage · readers · console

------------------------------------------------------------------------------------------------
-- Key table. A unique index on a partitioned table must contain the partition key, which would
-- let one key be stored once per month. Every key lives here instead, once, whatever its event's
-- timestamp; created_at says which month's partition holds the event (for retention).
------------------------------------------------------------------------------------------------
create table public.usage_event_keys (
  idempotency_key text primary key,
  created_at timestamptz not null
);
-- Keys arrive roughly in time order: BRIN finds a dropped month's keys for a sliver of a btree.
create index usage_event_keys_created_brin on public.usage_event_keys using brin (created_at);
alter table public.usage_event_keys enable row level security;
revoke all on public.usage_event_keys from anon, authenticated;
grant all on public.usage_event_keys to service_role;

comment on table public.usage_event_keys is
  'Every stored usage event''s idempotency key, once (usage_events is partitioned, so its own unique index could not span months).';

-- The organization of a late mark: events without one are marked under the nil uuid.
create or replace function private.org_key(p_org_id uuid)
returns uuid
language sql
immutable
parallel safe
set search_path = ''
as $$
  select coalesce(p_org_id, '00000000-0000-0000-0000-000000000000'::uuid);
$$;

------------------------------------------------------------------------------------------------
-- usage_events, range-partitioned by month on created_at (UTC months: partitions are named
-- usage_events_pYYYYMM). The existing table is renamed, its rows copied, and dropped.
------------------------------------------------------------------------------------------------
alter table public.usage_events rename to usage_events_unpartitioned;
drop trigger usage_events_mark_late_days on public.usage_events_unpartitioned;
drop trigger usage_events_mark_deleted_days on public.usage_events_unpartitioned;
drop trigger usage_events_mark_updated_days on public.usage_events_unpartitioned;
alter table public.usage_events_unpartitioned
  drop constraint usage_events_pkey,
  drop constraint usage_events_idempotency_key_key;
drop index public.usage_events_org_created_idx, public.usage_events_user_created_idx,
  public.usage_events_created_brin;

create table public.usage_events (
  -- No primary key: an event is identified by its idempotency key (usage_event_keys); id is a
  -- random uuid for exports and tie-breaks, not an index every insert pays for.
  id uuid not null default gen_random_uuid(),
  -- No foreign keys: events are billing history and outlive the users and organizations they name.
  user_id uuid not null,
  org_id uuid,
  event_type text not null,
  quantity numeric not null,
  event_data jsonb not null default '{}',
  -- when it happened, set by the caller (the partition key); received_at is when we stored it
  created_at timestamptz not null,
  received_at timestamptz not null default now(),
  idempotency_key text not null,
  constraint usage_events_event_type_check check (
    event_type in (
      'record_created', 'api_call', 'automation_run', 'storage_used',
      'schedule_executed', 'ai_tokens_used', 'user_active'
    )
  ),
  -- storage_used is a signed delta (+upload, -delete); everything else counts up
  constraint usage_events_quantity_check check (quantity >= 0 or event_type = 'storage_used'),
  constraint usage_events_idempotency_key_length check (char_length(idempotency_key) between 1 and 200),
  constraint usage_events_event_data_object check (jsonb_typeof(event_data) = 'object')
) partition by range (created_at);

comment on table public.usage_events is
  'Raw usage events, one partition per UTC month. Written only by the service role and the database''s own functions; rolled up by aggregate_usage(); old months dropped by drop_expired_usage_partitions().';

-- An organization's or a user's events in a time range (the live tail, late days, exports), and
-- a day of everything (the daily roll-up, platform reads): BRIN, as events arrive in time order.
create index usage_events_org_created_idx on public.usage_events (org_id, created_at);
create index usage_events_user_created_idx on public.usage_events (user_id, created_at);
create index usage_events_created_brin on public.usage_events using brin (created_at);

-- Partitions live in their own schema, which the API does not expose and no client role may
-- use: a partition read directly would not go through usage_events' row level security.
create schema usage_partitions;
revoke all on schema usage_partitions from public, anon, authenticated;
comment on schema usage_partitions is 'The monthly partitions of public.usage_events; read and write usage_events, never these.';

-- Catches events outside every monthly partition until ensure_usage_partitions() moves them to
-- their month; the console says when it holds any.
create table usage_partitions.usage_events_default partition of public.usage_events default;

-- The months a migration starts with: 13 back (the default retention) through 3 ahead, and every
-- other month the existing rows fall in.
do $$
declare
  v_month date;
  v_now date := date_trunc('month', now() at time zone 'utc')::date;
begin
  for v_month in
    select generate_series(v_now - interval '13 months', v_now + interval '3 months', interval '1 month')::date
    union
    select distinct date_trunc('month', created_at at time zone 'utc')::date from public.usage_events_unpartitioned
    order by 1
  loop
    execute format(
      'create table usage_partitions.%I partition of public.usage_events for values from (%L) to (%L)',
      'usage_events_p' || to_char(v_month, 'YYYYMM'),
      v_month::timestamp at time zone 'utc',
      (v_month + interval '1 month')::timestamp at time zone 'utc'
    );
  end loop;
end;
$$;

insert into public.usage_event_keys (idempotency_key, created_at)
select idempotency_key, created_at from public.usage_events_unpartitioned;
insert into public.usage_events (id, user_id, org_id, event_type, quantity, event_data, created_at, received_at, idempotency_key)
select id, user_id, org_id, event_type, quantity, event_data, created_at, received_at, idempotency_key
from public.usage_events_unpartitioned;
drop table public.usage_events_unpartitioned;

alter table public.usage_events enable row level security;
create policy usage_events_select on public.usage_events
  for select to authenticated
  using (
    user_id = (select auth.uid())
    or (org_id is not null and private.org_role(org_id) in ('owner', 'admin'))
  );
revoke all on public.usage_events from anon;
revoke insert, update, delete, truncate on public.usage_events from authenticated;
grant select on public.usage_events to authenticated;
grant all on public.usage_events to service_role;

------------------------------------------------------------------------------------------------
-- The key guard: an event whose key is already stored is skipped (a repeated event is the same
-- event), whatever its timestamp and partition. Concurrent inserts of one key wait on the key's
-- index entry, so exactly one is stored. ingest_usage_events claims a batch's keys in one
-- statement instead and says so for the length of that statement (the `when` is checked in C, so
-- its rows pay no trigger call).
------------------------------------------------------------------------------------------------
create or replace function private.claim_usage_event_key()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- An UPDATE that moves an event to another month's partition inserts it there: its key is its
  -- own (usage_events_guard_update said so just before), not a repeat.
  if current_setting('meterline.usage_event_moving', true) = new.idempotency_key then
    perform set_config('meterline.usage_event_moving', '', true);
    return new;
  end if;
  insert into public.usage_event_keys (idempotency_key, created_at)
  values (new.idempotency_key, new.created_at)
  on conflict (idempotency_key) do nothing;
  if not found then
    return null;
  end if;
  return new;
end;
$$;
revoke execute on function private.claim_usage_event_key() from public, anon, authenticated;

-- Updates (a fix by hand): the key is what makes an event the same event, so it cannot change;
-- an event whose new timestamp belongs to another partition is noted for the key guard above,
-- which sees the move as an insert. Fires on the partition the row is in.
create or replace function private.guard_usage_event_update()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_month text := to_char(new.created_at at time zone 'utc', 'YYYYMM');
  v_moving boolean;
begin
  if new.idempotency_key is distinct from old.idempotency_key then
    raise exception 'a usage event''s idempotency key cannot change (%): delete the event and insert it again', old.idempotency_key
      using errcode = '23514';
  end if;
  v_moving := case
    when tg_table_name ~ '^usage_events_p[0-9]{6}$' then substr(tg_table_name, 15) <> v_month
    else to_regclass('usage_partitions.usage_events_p' || v_month) is not null
  end;
  if v_moving then
    perform set_config('meterline.usage_event_moving', new.idempotency_key, true);
  end if;
  return new;
end;
$$;
revoke execute on function private.guard_usage_event_update() from public, anon, authenticated;

create trigger usage_events_claim_key
  before insert on public.usage_events
  for each row
  when (coalesce(current_setting('meterline.usage_keys_claimed', true), '') <> 'on')
  execute function private.claim_usage_event_key();

create trigger usage_events_guard_update
  before update on public.usage_events
  for each row execute function private.guard_usage_event_update();

-- Deleted events free their keys (an event deleted by mistake can be sent again); a changed
-- timestamp moves with its event. Statement triggers of the partitioned table: partition
-- upkeep, which deletes straight from one partition, does not fire them.
create or replace function private.sync_usage_event_keys()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' then
    -- a key belongs to one event only, so a deleted event's key is free
    delete from public.usage_event_keys k
    using old_rows o
    where k.idempotency_key = o.idempotency_key;
  else
    update public.usage_event_keys k
    set created_at = n.created_at
    from old_rows o join new_rows n on n.id = o.id
    where k.idempotency_key = n.idempotency_key and n.created_at <> o.created_at;
  end if;
  return null;
end;
$$;
revoke execute on function private.sync_usage_event_keys() from public, anon, authenticated;

create trigger usage_events_sync_keys_on_delete
  after delete on public.usage_events
  referencing old table as old_rows
  for each statement execute function private.sync_usage_event_keys();
create trigger usage_events_sync_keys_on_update
  after update on public.usage_events
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.sync_usage_event_keys();

------------------------------------------------------------------------------------------------
-- Partition upkeep. ensure_usage_partitions() (the aggregation cron calls it) makes sure the
-- current month and the next p_months_ahead exist, and moves rows the default partition caught
-- into partitions of their own months.
------------------------------------------------------------------------------------------------
create or replace function private.usage_partition_months()
returns setof date
language sql
stable
security definer
set search_path = ''
as $$
  select to_date(substr(c.relname, 15), 'YYYYMM')
  from pg_catalog.pg_inherits i
  join pg_catalog.pg_class c on c.oid = i.inhrelid
  where i.inhparent = 'public.usage_events'::regclass and c.relname ~ '^usage_events_p[0-9]{6}$'
    and c.relnamespace = 'usage_partitions'::regnamespace
  order by 1;
$$;
revoke execute on function private.usage_partition_months() from public, anon, authenticated;

create or replace function private.create_usage_partition(p_month date)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_name text := 'usage_events_p' || to_char(p_month, 'YYYYMM');
  v_from timestamptz := p_month::timestamp at time zone 'utc';
  v_to timestamptz := (p_month + interval '1 month')::timestamp at time zone 'utc';
  v_moved bigint := 0;
begin
  if to_regclass('usage_partitions.' || v_name) is not null then
    return 0;
  end if;
  -- Writers wait for the new partition (a moment): an insert routed to the default partition
  -- while the month is being attached would fail its partition check instead. When rows move out
  -- of the default partition, readers wait too: one planned without the new partition would miss
  -- them. Those waiting see the new partition once this transaction commits.
  if exists (select 1 from usage_partitions.usage_events_default where created_at >= v_from and created_at < v_to) then
    lock table public.usage_events in access exclusive mode;
  else
    lock table public.usage_events in share row exclusive mode;
  end if;
  if exists (select 1 from usage_partitions.usage_events_default where created_at >= v_from and created_at < v_to) then
    -- The default partition holds rows of this month: a new partition could not be attached over
    -- them. Take them out (straight from the partition: keys and late marks stay, the rows only
    -- move) and attach them as the month.
    execute format('create table usage_partitions.%I (like public.usage_events including defaults including constraints)', v_name);
    execute format(
      'with moved as (delete from usage_partitions.usage_events_default where created_at >= $1 and created_at < $2 returning *)
       insert into usage_partitions.%I select * from moved', v_name)
      using v_from, v_to;
    get diagnostics v_moved = row_count;
    execute format('alter table public.usage_events attach partition usage_partitions.%I for values from (%L) to (%L)', v_name, v_from, v_to);
  else
    execute format('create table usage_partitions.%I partition of public.usage_events for values from (%L) to (%L)', v_name, v_from, v_to);
  end if;
  return v_moved;
end;
$$;
revoke execute on function private.create_usage_partition(date) from public, anon, authenticated;

create or replace function public.ensure_usage_partitions(p_months_ahead integer default 3)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_month date;
  v_created text[] := '{}';
  v_moved bigint := 0;
  v_now_month date := date_trunc('month', now() at time zone 'utc')::date;
  v_raw_from date := (select (r.raw_from at time zone 'utc')::date from public.usage_retention r);
begin
  if p_months_ahead is null or p_months_ahead < 1 or p_months_ahead > 24 then
    raise exception 'p_months_ahead must be between 1 and 24' using errcode = '22023';
  end if;
  perform pg_advisory_xact_lock(hashtext('usage_partitions'));
  for v_month in
    select m::date from generate_series(v_now_month, v_now_month + make_interval(months => p_months_ahead), interval '1 month') m
    union
    select distinct date_trunc('month', d.created_at at time zone 'utc')::date from usage_partitions.usage_events_default d
    order by 1
  loop
    if v_raw_from is not null and v_month < v_raw_from then
      continue; -- a month retention dropped stays dropped
    end if;
    if to_regclass('usage_partitions.usage_events_p' || to_char(v_month, 'YYYYMM')) is null then
      v_moved := v_moved + private.create_usage_partition(v_month);
      v_created := v_created || to_char(v_month, 'YYYY-MM');
    end if;
  end loop;
  return jsonb_build_object(
    'created', to_jsonb(v_created),
    'moved_from_default', v_moved,
    'default_rows', (select count(*) from usage_partitions.usage_events_default)
  );
end;
$$;
revoke execute on function public.ensure_usage_partitions(integer) from public, anon, authenticated;
grant execute on function public.ensure_usage_partitions(integer) to service_role;

------------------------------------------------------------------------------------------------
-- Retention. Raw months older than p_keep_months are dropped a whole partition at a time, and
-- only once they are rolled up (monthly watermark past them, no late marks in or before them):
-- roll-ups are kept. Dropped months are covered by usage_events_expired, which refuses rows, so a
-- late event cannot reopen a month whose roll-ups are all that is left. Keys of dropped months
-- are deleted in bounded batches by prune_usage_event_keys().
------------------------------------------------------------------------------------------------
create table public.usage_retention (
  id boolean primary key default true check (id),
  -- raw events before this instant are no longer kept (null: nothing dropped yet)
  raw_from timestamptz,
  keep_months integer,
  updated_at timestamptz not null default now()
);
insert into public.usage_retention (id) values (true);
alter table public.usage_retention enable row level security;
create policy usage_retention_select on public.usage_retention for select to authenticated using (true);
revoke all on public.usage_retention from anon;
revoke insert, update, delete, truncate on public.usage_retention from authenticated;
grant select on public.usage_retention to authenticated;
grant all on public.usage_retention to service_role;

create or replace function public.drop_expired_usage_partitions(p_keep_months integer default 13)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_horizon timestamptz;
  v_target timestamptz;
  v_monthly_mark timestamptz;
  v_first_late date;
  v_month date;
  v_dropped text[] := '{}';
  v_waiting text;
  v_raw_from timestamptz := (select r.raw_from from public.usage_retention r);
begin
  if p_keep_months is null or p_keep_months < 2 or p_keep_months > 120 then
    raise exception 'keep between 2 and 120 months of raw events, not %', coalesce(p_keep_months::text, 'null')
      using errcode = '22023';
  end if;
  perform pg_advisory_xact_lock(hashtext('usage_partitions'));
  -- Rolling up and dropping must not interleave.
  perform pg_advisory_xact_lock(hashtext('aggregate_usage'), hashtext('monthly'));
  perform pg_advisory_xact_lock(hashtext('aggregate_usage'), hashtext('daily'));
  v_horizon := (date_trunc('month', now() at time zone 'utc') - make_interval(months => p_keep_months)) at time zone 'utc';

  -- Raw events are kept from the horizon, or from the first month that is not rolled up yet or
  -- has late events to roll up again, whichever is earlier.
  v_target := v_horizon;
  select rolled_through into v_monthly_mark from public.usage_aggregation_state where period_type = 'monthly';
  if coalesce(v_monthly_mark, '-infinity') < v_target then
    v_target := coalesce(date_trunc('month', v_monthly_mark at time zone 'utc') at time zone 'utc', '-infinity');
    v_waiting := coalesce(to_char(v_target at time zone 'utc', 'YYYY-MM') || ' is not rolled up yet', 'nothing is rolled up yet');
  end if;
  select least((select min(d.day) from public.usage_dirty_days d), (select min(d.month) from public.usage_dirty_months d))
  into v_first_late;
  if v_first_late is not null and date_trunc('month', v_first_late)::timestamp at time zone 'utc' < v_target then
    v_target := date_trunc('month', v_first_late)::timestamp at time zone 'utc';
    v_waiting := to_char(v_first_late, 'YYYY-MM') || ' has late events to roll up';
  end if;

  if v_target > coalesce(v_raw_from, '-infinity') then
    for v_month in select m from private.usage_partition_months() m where m::timestamp at time zone 'utc' < v_target order by m loop
      execute format('drop table usage_partitions.%I', 'usage_events_p' || to_char(v_month, 'YYYYMM'));
      v_dropped := v_dropped || to_char(v_month, 'YYYY-MM');
    end loop;
    -- Rows the default partition holds from before the new start go with their months.
    delete from usage_partitions.usage_events_default where created_at < v_target;
    drop table if exists usage_partitions.usage_events_expired;
    execute format(
      'create table usage_partitions.usage_events_expired partition of public.usage_events
         (constraint raw_events_before_retention_are_not_kept check (false))
         for values from (minvalue) to (%L)', v_target);
    v_raw_from := v_target;
  end if;
  update public.usage_retention set raw_from = v_raw_from, keep_months = p_keep_months, updated_at = now();

  return jsonb_build_object('dropped', to_jsonb(v_dropped), 'raw_from', v_raw_from, 'waiting', v_waiting);
end;
$$;
revoke execute on function public.drop_expired_usage_partitions(integer) from public, anon, authenticated;
grant execute on function public.drop_expired_usage_partitions(integer) to service_role;

-- Deletes up to p_limit keys of dropped months; returns how many it deleted (0: none left).
create or replace function public.prune_usage_event_keys(p_limit integer default 100000)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_raw_from timestamptz := (select raw_from from public.usage_retention);
  v_deleted bigint;
begin
  if v_raw_from is null then
    return 0;
  end if;
  delete from public.usage_event_keys k
  where k.ctid = any (array(
    select k2.ctid from public.usage_event_keys k2 where k2.created_at < v_raw_from limit greatest(p_limit, 1)
  ));
  get diagnostics v_deleted = row_count;
  return v_deleted;
end;
$$;
revoke execute on function public.prune_usage_event_keys(integer) from public, anon, authenticated;
grant execute on function public.prune_usage_event_keys(integer) to service_role;

------------------------------------------------------------------------------------------------
-- Late marks per organization: a backfill into one organization's past sends only that
-- organization's reads of those days to raw events, and re-rolls only its rows. Events without
-- an organization are marked under private.org_key(null).
------------------------------------------------------------------------------------------------
alter table public.usage_dirty_days drop constraint usage_dirty_days_pkey, add column org_id uuid;
insert into public.usage_dirty_days (day, org_id, marked_at)
select d.day, o.org_id, d.marked_at
from public.usage_dirty_days d
cross join lateral (
  -- every organization with events or roll-ups that day (the events may have been deleted)
  select private.org_key(e.org_id) as org_id
  from public.usage_events e
  where e.created_at >= d.day::timestamp at time zone 'utc' and e.created_at < (d.day + 1)::timestamp at time zone 'utc'
  union
  select private.org_key(a.org_id)
  from public.usage_aggregations a
  where a.period_type = 'daily' and a.period_start = d.day::timestamp at time zone 'utc'
) o
where d.org_id is null;
delete from public.usage_dirty_days where org_id is null;
alter table public.usage_dirty_days alter column org_id set not null, add primary key (day, org_id);

alter table public.usage_dirty_months drop constraint usage_dirty_months_pkey, add column org_id uuid;
insert into public.usage_dirty_months (month, org_id, marked_at)
select d.month, o.org_id, d.marked_at
from public.usage_dirty_months d
cross join lateral (
  select distinct private.org_key(a.org_id) as org_id
  from public.usage_aggregations a
  where a.period_type = 'daily' and a.period_start >= d.month::timestamp at time zone 'utc'
    and a.period_start < (d.month + interval '1 month')::timestamp at time zone 'utc'
) o
where d.org_id is null;
delete from public.usage_dirty_months where org_id is null;
alter table public.usage_dirty_months alter column org_id set not null, add primary key (month, org_id);

create or replace function private.mark_late_usage_days()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.usage_dirty_days (day, org_id)
  select distinct (n.created_at at time zone 'utc')::date, private.org_key(n.org_id)
  from new_rows n
  -- clock_timestamp, not now(): a transaction that began before midnight may insert after it.
  where n.created_at < date_trunc('day', clock_timestamp() at time zone 'utc') at time zone 'utc'
  on conflict do nothing;
  return null;
end;
$$;

create or replace function private.mark_changed_usage_days()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' then
    insert into public.usage_dirty_days (day, org_id)
    select distinct (o.created_at at time zone 'utc')::date, private.org_key(o.org_id)
    from old_rows o
    where o.created_at < date_trunc('day', clock_timestamp() at time zone 'utc') at time zone 'utc'
    on conflict do nothing;
  else
    insert into public.usage_dirty_days (day, org_id)
    select distinct (r.created_at at time zone 'utc')::date, private.org_key(r.org_id)
    from (
      select o.created_at, o.org_id from old_rows o join new_rows n on n.id = o.id
      where (o.created_at, o.org_id, o.user_id, o.event_type, o.quantity)
            is distinct from (n.created_at, n.org_id, n.user_id, n.event_type, n.quantity)
      union
      select n.created_at, n.org_id from old_rows o join new_rows n on n.id = o.id
      where (o.created_at, o.org_id, o.user_id, o.event_type, o.quantity)
            is distinct from (n.created_at, n.org_id, n.user_id, n.event_type, n.quantity)
    ) r
    where r.created_at < date_trunc('day', clock_timestamp() at time zone 'utc') at time zone 'utc'
    on conflict do nothing;
  end if;
  return null;
end;
$$;

create trigger usage_events_mark_late_days
  after insert on public.usage_events
  referencing new table as new_rows
  for each statement execute function private.mark_late_usage_days();
create trigger usage_events_mark_deleted_days
  after delete on public.usage_events
  referencing old table as old_rows
  for each statement execute function private.mark_changed_usage_days();
create trigger usage_events_mark_updated_days
  after update on public.usage_events
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.mark_changed_usage_days();

------------------------------------------------------------------------------------------------
-- Writers. A single event goes through the key guard; a batch claims its keys in one statement
-- (a key repeated within the batch is stored once, with its first occurrence).
------------------------------------------------------------------------------------------------
create or replace function private.record_usage_event(
  p_user_id uuid,
  p_org_id uuid,
  p_event_type text,
  p_quantity numeric,
  p_event_data jsonb,
  p_created_at timestamptz,
  p_idempotency_key text
)
returns void
language sql
volatile
security definer
set search_path = ''
as $$
  insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
  values (
    coalesce(p_user_id, private.org_owner(p_org_id)),
    p_org_id, p_event_type, p_quantity, p_event_data, p_created_at, p_idempotency_key
  );
$$;

create or replace function public.ingest_usage_events(p_rows jsonb, p_return_keys boolean default false, p_source text default 'queue')
returns setof text
language plpgsql
set search_path = ''
as $$
declare
  v_keys text[];
  v_stored bigint;
begin
  perform set_config('meterline.usage_keys_claimed', 'on', true);
  with input as (
    select distinct on (r ->> 6)
           (r ->> 0)::uuid as user_id, (r ->> 1)::uuid as org_id, r ->> 2 as event_type,
           (r ->> 3)::numeric as quantity, r -> 4 as event_data, (r ->> 5)::timestamptz as created_at,
           r ->> 6 as idempotency_key
    from jsonb_array_elements(p_rows) with ordinality as t(r, n)
    order by r ->> 6, t.n
  ),
  claimed as (
    -- in key order: concurrent batches with shared keys wait on each other, never deadlock
    insert into public.usage_event_keys (idempotency_key, created_at)
    select i.idempotency_key, i.created_at from input i order by i.idempotency_key
    on conflict (idempotency_key) do nothing
    returning usage_event_keys.idempotency_key
  ),
  inserted as (
    insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
    select i.user_id, i.org_id, i.event_type, i.quantity, i.event_data, i.created_at, i.idempotency_key
    from input i join claimed c on c.idempotency_key = i.idempotency_key
    returning usage_events.idempotency_key
  )
  select case when p_return_keys then array_agg(idempotency_key) end, count(*) into v_keys, v_stored from inserted;
  perform set_config('meterline.usage_keys_claimed', '', true);
  perform private.count_ingestion(case when p_source = 'api' then 'api' else 'queue' end, jsonb_array_length(p_rows), v_stored);
  return query select unnest(v_keys);
end;
$$;

------------------------------------------------------------------------------------------------
-- aggregate_usage(p_period_type, p_period_start, p_period_end, p_org_ids)
--   daily:   every whole UTC day of the range from raw events (a day reads its own partition);
--   monthly: every whole UTC month of the range from the daily rows, never from raw events (the
--            range's late days and days past the daily watermark are rolled up daily first);
--   p_org_ids: only these organizations' rows (late days of a few tenants), watermark unmoved.
-- Months whose daily rows changed are marked for their organizations, and the monthly pass
-- recomputes them. Safe to run twice or concurrently (one run per period type at a time).
------------------------------------------------------------------------------------------------
drop function public.aggregate_usage(text, timestamptz, timestamptz);

create or replace function public.aggregate_usage(
  p_period_type text,
  p_period_start timestamptz,
  p_period_end timestamptz,
  p_org_ids uuid[] default null
)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_unit text;
  v_step interval;
  v_start timestamptz;
  v_end timestamptz;
  v_requested_end timestamptz;
  v_started timestamptz := clock_timestamp();
  v_upserted integer := 0;
  v_deleted integer := 0;
  v_rolled timestamptz;
  v_daily_mark timestamptz;
  v_day date;
  v_day_orgs uuid[];
begin
  if p_period_type is null or p_period_type not in ('daily', 'monthly') then
    raise exception 'p_period_type must be daily or monthly, not %', coalesce(p_period_type, 'null')
      using errcode = '22023';
  end if;
  if p_period_start is null or p_period_end is null or p_period_end <= p_period_start then
    raise exception 'the range [%, %) is empty', p_period_start, p_period_end using errcode = '22023';
  end if;
  if p_org_ids is not null and cardinality(p_org_ids) = 0 then
    raise exception 'p_org_ids is empty: pass null for every organization' using errcode = '22023';
  end if;

  v_unit := case p_period_type when 'daily' then 'day' else 'month' end;
  v_step := case p_period_type when 'daily' then interval '1 day' else interval '1 month' end;
  -- Whole UTC periods: from the one containing the start to the one containing the last instant.
  v_start := date_trunc(v_unit, p_period_start at time zone 'utc') at time zone 'utc';
  v_end := (date_trunc(v_unit, (p_period_end - interval '1 microsecond') at time zone 'utc') + v_step) at time zone 'utc';
  v_requested_end := v_end;
  if v_end - v_start > interval '3700 days' then
    raise exception 'aggregate at most ten years at a time' using errcode = '22023';
  end if;

  perform pg_advisory_xact_lock(hashtext('aggregate_usage'), hashtext(p_period_type));
  if p_period_type = 'monthly' then
    -- A month is a sum of its daily rows: no day may be re-rolled while it is computed (the day's
    -- run would not see the month's new watermark and leave it stale without a mark).
    perform pg_advisory_xact_lock(hashtext('aggregate_usage'), hashtext('daily'));
  end if;

  if p_period_type = 'monthly' then
    -- Months are computed from daily rows, so their days come first: late days in the range (for
    -- the organizations that received them), then days past the daily watermark, as the daily
    -- pass would do them. The cron rolls days up before months, so for it both find nothing.
    for v_day, v_day_orgs in
      select d.day, array_agg(d.org_id order by d.org_id)
      from public.usage_dirty_days d
      where d.day >= (v_start at time zone 'utc')::date and d.day < (v_end at time zone 'utc')::date
        and (p_org_ids is null or d.org_id = any (p_org_ids))
      group by d.day
      order by d.day
    loop
      perform public.aggregate_usage('daily', v_day::timestamp at time zone 'utc', (v_day + 1)::timestamp at time zone 'utc', v_day_orgs);
    end loop;
    select rolled_through into v_daily_mark from public.usage_aggregation_state where period_type = 'daily';
    if coalesce(v_daily_mark, '-infinity') < v_end then
      perform public.aggregate_usage('daily', greatest(v_start, coalesce(v_daily_mark, v_start)), v_end, p_org_ids);
    end if;
    -- Those days are runs of their own, logged with their own times; this run is the month's sum.
    v_started := clock_timestamp();
  end if;

  create temporary table if not exists pg_temp.usage_rollup (
    period_start timestamptz, org_id uuid, user_id uuid, metric_type text, dimension text,
    total_quantity numeric, event_count bigint
  ) on commit drop;
  truncate pg_temp.usage_rollup;
  create temporary table if not exists pg_temp.usage_rollup_changed (period_start timestamptz, org_id uuid)
    on commit drop;
  truncate pg_temp.usage_rollup_changed;

  if p_period_type = 'daily' then
    -- Late marks go first: an event committed after this point marks its day again and is picked
    -- up by the next run; one committed before is in the snapshot below.
    delete from public.usage_dirty_days
    where day >= (v_start at time zone 'utc')::date and day < (v_end at time zone 'utc')::date
      and (p_org_ids is null or org_id = any (p_org_ids));

    -- The catalog's dimension fields (at most two) of each event, e.g. an API call's route and
    -- status, an AI request's model: breakdowns read roll-ups, not raw events.
    insert into pg_temp.usage_rollup
    select date_trunc('day', e.created_at at time zone 'utc') at time zone 'utc',
           e.org_id, e.user_id, e.event_type,
           coalesce(concat_ws(chr(31), e.event_data ->> m.dimension_fields[1], e.event_data ->> m.dimension_fields[2]), ''),
           case when m.kind = 'unique' then 1 else sum(e.quantity) end,
           count(*)
    from public.usage_events e
    join public.usage_metrics m on m.metric = e.event_type
    where e.created_at >= v_start and e.created_at < v_end
      and (p_org_ids is null or private.org_key(e.org_id) = any (p_org_ids))
    group by 1, e.org_id, e.user_id, e.event_type, 5, m.kind;
  else
    delete from public.usage_dirty_months
    where month >= (v_start at time zone 'utc')::date and month < (v_end at time zone 'utc')::date
      and (p_org_ids is null or org_id = any (p_org_ids));

    insert into pg_temp.usage_rollup
    select date_trunc('month', a.period_start at time zone 'utc') at time zone 'utc',
           a.org_id, a.user_id, a.metric_type, a.dimension,
           -- an active user is one row per user whatever the number of active days
           case when m.kind = 'unique' then 1 else sum(a.total_quantity) end,
           sum(a.event_count)::bigint
    from public.usage_aggregations a
    join public.usage_metrics m on m.metric = a.metric_type
    where a.period_type = 'daily' and a.period_start >= v_start and a.period_start < v_end
      and (p_org_ids is null or private.org_key(a.org_id) = any (p_org_ids))
    group by 1, a.org_id, a.user_id, a.metric_type, a.dimension, m.kind;
  end if;

  with upserted as (
    insert into public.usage_aggregations as a (
      period_type, period_start, period_end, org_id, user_id, metric_type, dimension, total_quantity, event_count, updated_at
    )
    select p_period_type, r.period_start, (r.period_start at time zone 'utc' + v_step) at time zone 'utc',
           r.org_id, r.user_id, r.metric_type, r.dimension, r.total_quantity, r.event_count, now()
    from pg_temp.usage_rollup r
    on conflict on constraint usage_aggregations_key do update
      set total_quantity = excluded.total_quantity, event_count = excluded.event_count, updated_at = now()
      where a.total_quantity is distinct from excluded.total_quantity
         or a.event_count is distinct from excluded.event_count
    returning a.period_start, a.org_id
  )
  insert into pg_temp.usage_rollup_changed select period_start, org_id from upserted;
  get diagnostics v_upserted = row_count;

  with deleted as (
    delete from public.usage_aggregations a
    where a.period_type = p_period_type
      and a.period_start >= v_start and a.period_start < v_end
      and (p_org_ids is null or private.org_key(a.org_id) = any (p_org_ids))
      and not exists (
        select 1 from pg_temp.usage_rollup r
        where r.period_start = a.period_start and r.org_id is not distinct from a.org_id
          and r.user_id = a.user_id and r.metric_type = a.metric_type and r.dimension = a.dimension
      )
    returning a.period_start, a.org_id
  )
  insert into pg_temp.usage_rollup_changed select period_start, org_id from deleted;
  get diagnostics v_deleted = row_count;

  -- Daily rows that changed in a closed month make that month's monthly rows stale.
  if p_period_type = 'daily' then
    insert into public.usage_dirty_months (month, org_id)
    select distinct date_trunc('month', c.period_start at time zone 'utc')::date, private.org_key(c.org_id)
    from pg_temp.usage_rollup_changed c
    where c.period_start < date_trunc('month', now() at time zone 'utc') at time zone 'utc'
      and c.period_start < coalesce((select s.rolled_through from public.usage_aggregation_state s where s.period_type = 'monthly'), '-infinity')
    on conflict do nothing;
  end if;

  -- The watermark only moves over contiguous, closed periods, and only when every organization
  -- was rolled up.
  if p_org_ids is null then
    select rolled_through into v_rolled from public.usage_aggregation_state where period_type = p_period_type for update;
    v_end := least(v_end, case p_period_type
      when 'daily' then date_trunc('day', now() at time zone 'utc') at time zone 'utc'
      else date_trunc('month', now() at time zone 'utc') at time zone 'utc' end);
    if v_end > v_start and (
         (v_rolled is not null and v_start <= v_rolled)
      or (v_rolled is null and not exists (select 1 from public.usage_events where created_at < v_start))
    ) then
      update public.usage_aggregation_state
      set rolled_through = greatest(coalesce(v_rolled, v_end), v_end), updated_at = now()
      where period_type = p_period_type;
    end if;
  end if;

  insert into public.usage_aggregation_runs (
    period_type, period_start, period_end, rows_upserted, rows_deleted, duration_ms, status, started_at, finished_at
  )
  values (
    p_period_type, v_start, v_requested_end, v_upserted, v_deleted,
    extract(epoch from clock_timestamp() - v_started) * 1000, 'succeeded', v_started, clock_timestamp()
  );

  return jsonb_build_object(
    'period_type', p_period_type,
    'period_start', v_start,
    'period_end', v_requested_end,
    'rows_upserted', v_upserted,
    'rows_deleted', v_deleted,
    'duration_ms', round(extract(epoch from clock_timestamp() - v_started) * 1000, 3),
    'org_ids', to_jsonb(p_org_ids)
  );
end;
$$;

revoke execute on function public.aggregate_usage(text, timestamptz, timestamptz, uuid[]) from public, anon, authenticated;
grant execute on function public.aggregate_usage(text, timestamptz, timestamptz, uuid[]) to service_role;

------------------------------------------------------------------------------------------------
-- Readers. usage_origin: where a scope's history starts (its first roll-up or raw event; for the
-- whole platform, the oldest partition kept). usage_rows starts there and consults only the
-- scope's own late marks.
------------------------------------------------------------------------------------------------
create or replace function private.usage_origin(p_org_id uuid, p_user_id uuid)
returns timestamptz
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  -- One statement per scope, each an index range (a "p_org_id is null or org_id = p_org_id"
  -- predicate would cost a sequential scan of the roll-ups in a cached plan).
  if p_org_id is not null and p_user_id is not null then
    return least(
      (select min(a.period_start) from public.usage_aggregations a
       where a.user_id = p_user_id and a.period_type = 'daily' and a.org_id = p_org_id),
      (select min(a.period_start) from public.usage_aggregations a
       where a.user_id = p_user_id and a.period_type = 'monthly' and a.org_id = p_org_id),
      (select min(e.created_at) from public.usage_events e where e.user_id = p_user_id and e.org_id = p_org_id));
  elsif p_org_id is not null then
    return least(
      (select min(a.period_start) from public.usage_aggregations a where a.org_id = p_org_id and a.period_type = 'daily'),
      (select min(a.period_start) from public.usage_aggregations a where a.org_id = p_org_id and a.period_type = 'monthly'),
      (select min(e.created_at) from public.usage_events e where e.org_id = p_org_id));
  elsif p_user_id is not null then
    return least(
      (select min(a.period_start) from public.usage_aggregations a where a.user_id = p_user_id and a.period_type = 'daily'),
      (select min(a.period_start) from public.usage_aggregations a where a.user_id = p_user_id and a.period_type = 'monthly'),
      (select min(e.created_at) from public.usage_events e where e.user_id = p_user_id));
  end if;
  return least(
    (select min(a.period_start) from public.usage_aggregations a where a.period_type = 'daily'),
    (select min(a.period_start) from public.usage_aggregations a where a.period_type = 'monthly'),
    (select min(m)::timestamp at time zone 'utc' from private.usage_partition_months() m),
    (select min(d.created_at) from usage_partitions.usage_events_default d));
end;
$$;
revoke execute on function private.usage_origin(uuid, uuid) from public, anon;
grant execute on function private.usage_origin(uuid, uuid) to authenticated, service_role;

create or replace function private.usage_rows(
  p_org_id uuid,
  p_user_id uuid,
  p_start timestamptz,
  p_end timestamptz,
  p_metrics text[],
  p_grain text default 'month'
)
returns table (at timestamptz, org_id uuid, metric_type text, user_id uuid, dimension text, total_quantity numeric, event_count bigint)
language plpgsql
stable
set search_path = ''
-- Each branch reads a few index ranges; starting parallel workers would cost more than the read.
set max_parallel_workers_per_gather = 0
as $$
declare
  v_daily_mark timestamptz;
  v_monthly_mark timestamptz;
  v_roll_start timestamptz;
  v_closed_end timestamptz;
  v_late timestamptz[];
  v_month_from timestamptz;
  v_month_to timestamptz;
  v_skip_months timestamptz[];
  v_agg_scope text;
  v_start timestamptz;
begin
  if p_start is null or p_end is null or p_end <= p_start then
    return;
  end if;
  -- Nothing is older than the scope's first roll-up or event: a gauge read "from the beginning"
  -- starts there, not at the year 2000.
  v_start := greatest(p_start, coalesce(private.usage_origin(p_org_id, p_user_id), p_end));
  if v_start >= p_end then
    return;
  end if;

  select coalesce(max(s.rolled_through) filter (where s.period_type = 'daily'), '-infinity'),
         coalesce(max(s.rolled_through) filter (where s.period_type = 'monthly'), '-infinity')
  into v_daily_mark, v_monthly_mark
  from public.usage_aggregation_state s;

  -- Whole UTC days [roll_start, closed_end) come from roll-ups; the rest of [p_start, p_end) from
  -- raw events: [p_start, roll_start) (part of a day) and [closed_end, p_end).
  v_roll_start := date_trunc('day', (v_start at time zone 'utc') + interval '1 day' - interval '1 microsecond') at time zone 'utc';
  v_closed_end := greatest(v_roll_start, least(date_trunc('day', p_end at time zone 'utc') at time zone 'utc', v_daily_mark));

  -- Days that received events after they were rolled up are read raw: the organization's own
  -- late days (any organization's for a read across organizations).
  select coalesce(array_agg(distinct d.day::timestamp at time zone 'utc'), '{}')
  into v_late
  from public.usage_dirty_days d
  where d.day >= (v_roll_start at time zone 'utc')::date and d.day < (v_closed_end at time zone 'utc')::date
    and (p_org_id is null or d.org_id = private.org_key(p_org_id));

  -- Whole months in [month_from, month_to) come from monthly rows, except the few whose monthly
  -- rows are stale (a dirty month, or one with a late day), which are read from daily rows. Month
  -- arithmetic on UTC timestamps (without time zone): on timestamptz it would follow the session's
  -- time zone.
  v_month_from := date_trunc('month', (v_roll_start at time zone 'utc') + interval '1 month' - interval '1 microsecond') at time zone 'utc';
  v_month_to := greatest(v_month_from, date_trunc('month', least(v_closed_end, v_monthly_mark) at time zone 'utc') at time zone 'utc');
  -- Daily buckets cannot be cut out of monthly rows: read daily rows only.
  if p_grain = 'day' then
    v_month_to := v_month_from;
  end if;
  select coalesce(array_agg(m.month_start order by m.month_start), '{}')
  into v_skip_months
  from (
    select dm.month::timestamp at time zone 'utc' as month_start
    from public.usage_dirty_months dm
    where dm.month >= (v_month_from at time zone 'utc')::date and dm.month < (v_month_to at time zone 'utc')::date
      and (p_org_id is null or dm.org_id = private.org_key(p_org_id))
    union
    select date_trunc('month', l.day_start at time zone 'utc') at time zone 'utc'
    from unnest(v_late) as l(day_start)
    where l.day_start >= v_month_from and l.day_start < v_month_to
  ) m;

  v_agg_scope := concat_ws(' and ',
    case when p_org_id is not null then 'a.org_id = $1' end,
    case when p_user_id is not null then 'a.user_id = $2' end);
  if v_agg_scope = '' then
    v_agg_scope := 'true';
  end if;

  -- $4 month_from, $5 month_to, $6 skipped months, $7 late days, $8 roll_start, $9 closed_end,
  -- $10 p_start, $11 p_end.
  return query execute format($sql$
    select a.period_start, a.org_id, a.metric_type, a.user_id, a.dimension, a.total_quantity, a.event_count
    from public.usage_aggregations a
    where a.period_type = 'monthly' and a.period_start >= $4 and a.period_start < $5
      and a.period_start <> all ($6) and a.metric_type = any ($3) and %1$s
    union all
    select a.period_start, a.org_id, a.metric_type, a.user_id, a.dimension, a.total_quantity, a.event_count
    from public.usage_aggregations a
    where a.period_type = 'daily' and a.period_start >= $8 and a.period_start < least($4, $9)
      and a.period_start <> all ($7) and a.metric_type = any ($3) and %1$s
    union all
    select a.period_start, a.org_id, a.metric_type, a.user_id, a.dimension, a.total_quantity, a.event_count
    from public.usage_aggregations a
    where a.period_type = 'daily' and a.period_start >= greatest($5, $8) and a.period_start < $9
      and a.period_start <> all ($7) and a.metric_type = any ($3) and %1$s
    union all
    select a.period_start, a.org_id, a.metric_type, a.user_id, a.dimension, a.total_quantity, a.event_count
    from unnest($6) as m(month_start)
    join public.usage_aggregations a
      on a.period_type = 'daily' and a.period_start >= m.month_start
     and a.period_start < (m.month_start at time zone 'utc' + interval '1 month') at time zone 'utc'
    where a.period_start <> all ($7) and a.metric_type = any ($3) and %1$s
    union all
    select e.created_at, e.org_id, e.event_type, e.user_id,
           coalesce(concat_ws(chr(31), e.event_data ->> m.dimension_fields[1], e.event_data ->> m.dimension_fields[2]), ''),
           e.quantity, 1::bigint
    from public.usage_events e join public.usage_metrics m on m.metric = e.event_type
    where e.created_at >= $10 and e.created_at < least($8, $11) and e.event_type = any ($3) and %2$s
    union all
    select e.created_at, e.org_id, e.event_type, e.user_id,
           coalesce(concat_ws(chr(31), e.event_data ->> m.dimension_fields[1], e.event_data ->> m.dimension_fields[2]), ''),
           e.quantity, 1::bigint
    from public.usage_events e join public.usage_metrics m on m.metric = e.event_type
    where e.created_at >= $9 and e.created_at < $11 and e.event_type = any ($3) and %2$s
    union all
    select e.created_at, e.org_id, e.event_type, e.user_id,
           coalesce(concat_ws(chr(31), e.event_data ->> m.dimension_fields[1], e.event_data ->> m.dimension_fields[2]), ''),
           e.quantity, 1::bigint
    from unnest($7) as l(day_start)
    join public.usage_events e on e.created_at >= l.day_start and e.created_at < l.day_start + interval '24 hours'
    join public.usage_metrics m on m.metric = e.event_type
    where e.event_type = any ($3) and %2$s
  $sql$, v_agg_scope, replace(v_agg_scope, 'a.', 'e.'))
  using p_org_id, p_user_id, p_metrics, v_month_from, v_month_to, v_skip_months, v_late,
        v_roll_start, v_closed_end, v_start, p_end;
end;
$$;


------------------------------------------------------------------------------------------------
-- Console: the partitions with their size (row counts estimated by the planner's statistics,
-- exact for the default partition, which should be empty), and where retained raw data starts.
------------------------------------------------------------------------------------------------
create or replace function public.console_usage_partitions()
returns table (partition_name text, month date, rows bigint, bytes bigint)
language sql
stable
security definer
set search_path = ''
as $$
  select c.relname::text,
         case when c.relname ~ '^usage_events_p[0-9]{6}$' then to_date(substr(c.relname, 15), 'YYYYMM') end,
         case when c.relname = 'usage_events_default' then (select count(*) from usage_partitions.usage_events_default)
              else greatest(c.reltuples, 0)::bigint end,
         pg_catalog.pg_total_relation_size(c.oid)
  from pg_catalog.pg_inherits i
  join pg_catalog.pg_class c on c.oid = i.inhrelid
  where i.inhparent = 'public.usage_events'::regclass
  order by 2 nulls first, 1;
$$;
revoke execute on function public.console_usage_partitions() from public, anon, authenticated;
grant execute on function public.console_usage_partitions() to service_role;

-- The first event's timestamp, for the very first roll-up: the oldest non-empty partition's
-- minimum (the default partition, which catches outliers, is looked at too).
create or replace function public.usage_first_event_at()
returns timestamptz
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_month date;
  v_default timestamptz;
  v_first timestamptz;
begin
  select min(created_at) into v_default from usage_partitions.usage_events_default;
  for v_month in select m from private.usage_partition_months() m order by m loop
    exit when v_default is not null and v_default < v_month::timestamp at time zone 'utc';
    execute format('select min(created_at) from usage_partitions.%I', 'usage_events_p' || to_char(v_month, 'YYYYMM'))
      into v_first;
    exit when v_first is not null;
  end loop;
  return least(v_first, v_default);
end;
$$;
revoke execute on function public.usage_first_event_at() from public, anon, authenticated;
grant execute on function public.usage_first_event_at() to service_role;
