-- Partition upkeep that never moves rows, and readers that open usage_events before any partition.
--
-- Until now the aggregation cron moved a month the default partition had caught into a partition
-- of its own (deleted from the default partition, inserted into a new table, attached, under an
-- ACCESS EXCLUSIVE lock on usage_events and then on each partition). The test suite found two
-- faults in that:
--
-- * A read that took its snapshot before the move committed but planned a statement after it
--   missed the month. Its plan had the new partition, whose rows its snapshot could not see,
--   and pruned the default partition, whose old rows it could. Such a read is a STABLE
--   function's later statement (the gate's storage level, an export page) or a COPY waiting on
--   the lock. A storage level that misses events could let a file past its limit.
-- * Readers that opened a partition directly (the platform's origin, the first event's time, the
--   console's partition sizes) and then usage_events could deadlock with it: each held what the
--   other waited for.
--
-- Now a month gets its partition only while the default partition holds none of its events. A
-- month the default partition caught (events written before its partition existed: a backfill
-- of an old month, or a cron that stopped for months) stays there. It is read like any other
-- month (the default partition has every index), rolled up like any other and dropped by
-- retention with its month. Every reader opens usage_events before any partition, as the upkeep
-- does, so they queue for its lock instead of deadlocking with it.

------------------------------------------------------------------------------------------------
-- A month's partition, created only over an empty range: true when it was created; false when it
-- exists or when the default partition holds events of the month (they stay there).
------------------------------------------------------------------------------------------------
drop function private.create_usage_partition(date);
create function private.create_usage_partition(p_month date)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_name text := 'usage_events_p' || to_char(p_month, 'YYYYMM');
  v_from timestamptz := p_month::timestamp at time zone 'utc';
  v_to timestamptz := (p_month + interval '1 month')::timestamp at time zone 'utc';
begin
  if p_month is null or p_month <> date_trunc('month', p_month)::date then
    raise exception 'a partition starts on the first of a month, not %', coalesce(p_month::text, 'null')
      using errcode = '22023';
  end if;
  if to_regclass('usage_partitions.' || v_name) is not null then
    return false;
  end if;
  -- A probe through usage_events (the range has no partition, so it reads the default one)
  -- spares a month with events the lock below.
  if exists (select 1 from public.usage_events e where e.created_at >= v_from and e.created_at < v_to) then
    return false;
  end if;
  -- ACCESS EXCLUSIVE on usage_events, then on the default partition, which Postgres scans for the
  -- month's rows: one written since the probe fails the statement, and the month stays where it is.
  begin
    execute format('create table usage_partitions.%I partition of public.usage_events for values from (%L) to (%L)',
      v_name, v_from, v_to);
  exception when check_violation then
    return false;
  end;
  return true;
end;
$$;
revoke execute on function private.create_usage_partition(date) from public, anon, authenticated;

------------------------------------------------------------------------------------------------
-- The cron's upkeep: the current month and the next p_months_ahead get their partitions; the
-- answer says which were created and which months the default partition holds.
------------------------------------------------------------------------------------------------
create or replace function public.ensure_usage_partitions(p_months_ahead integer default 3)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_month date;
  v_created text[] := '{}';
  v_now_month date := date_trunc('month', now() at time zone 'utc')::date;
  v_default record;
begin
  if p_months_ahead is null or p_months_ahead < 1 or p_months_ahead > 24 then
    raise exception 'p_months_ahead must be between 1 and 24' using errcode = '22023';
  end if;
  perform pg_advisory_xact_lock(hashtext('usage_partitions'));
  for v_month in
    select m::date from generate_series(v_now_month, v_now_month + make_interval(months => p_months_ahead), interval '1 month') m
  loop
    if private.create_usage_partition(v_month) then
      v_created := v_created || to_char(v_month, 'YYYY-MM');
    end if;
  end loop;
  -- Last, after every lock the upkeep takes: the default partition read directly.
  select count(*) as n,
         coalesce(array_agg(distinct to_char(d.created_at at time zone 'utc', 'YYYY-MM')), '{}') as months
  into v_default
  from usage_partitions.usage_events_default d;
  return jsonb_build_object('created', to_jsonb(v_created), 'default_rows', v_default.n,
                            'default_months', to_jsonb(v_default.months));
end;
$$;

------------------------------------------------------------------------------------------------
-- The first event's time, for the very first roll-up: month by month from the oldest partition,
-- each read through usage_events (pruned to the month's partition, or to the default partition
-- for a month without one), and before and after the partitioned months.
------------------------------------------------------------------------------------------------
create or replace function public.usage_first_event_at()
returns timestamptz
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_first_month date := (select min(m) from private.usage_partition_months() m);
  v_last_month date := (select max(m) from private.usage_partition_months() m);
  v_month date;
  v_first timestamptz;
begin
  if v_first_month is null then
    return (select min(e.created_at) from public.usage_events e);
  end if;
  v_first := (select min(e.created_at) from public.usage_events e
              where e.created_at < v_first_month::timestamp at time zone 'utc');
  if v_first is not null then
    return v_first;
  end if;
  for v_month in select m::date from generate_series(v_first_month, v_last_month, interval '1 month') m loop
    v_first := (select min(e.created_at) from public.usage_events e
                where e.created_at >= v_month::timestamp at time zone 'utc'
                  and e.created_at < (v_month + interval '1 month')::timestamp at time zone 'utc');
    if v_first is not null then
      return v_first;
    end if;
  end loop;
  return (select min(e.created_at) from public.usage_events e
          where e.created_at >= (v_last_month + interval '1 month')::timestamp at time zone 'utc');
end;
$$;

------------------------------------------------------------------------------------------------
-- The console's partitions with their sizes: usage_events is locked first (with every partition,
-- in the order the upkeep and retention lock them), then each partition is measured.
------------------------------------------------------------------------------------------------
drop function public.console_usage_partitions();
create function public.console_usage_partitions()
returns table (partition_name text, month date, rows bigint, bytes bigint)
language plpgsql
security definer
set search_path = ''
as $$
begin
  lock table public.usage_events in access share mode;
  return query
  select c.relname::text,
         case when c.relname ~ '^usage_events_p[0-9]{6}$' then to_date(substr(c.relname, 15), 'YYYYMM') end,
         case when c.relname = 'usage_events_default' then (select count(*) from usage_partitions.usage_events_default)
              else greatest(c.reltuples, 0)::bigint end,
         pg_catalog.pg_total_relation_size(c.oid)
  from pg_catalog.pg_inherits i
  join pg_catalog.pg_class c on c.oid = i.inhrelid
  where i.inhparent = 'public.usage_events'::regclass
  order by 2 nulls first, 1;
end;
$$;
revoke execute on function public.console_usage_partitions() from public, anon, authenticated;
grant execute on function public.console_usage_partitions() to service_role;

------------------------------------------------------------------------------------------------
-- A scope's origin, as in 20261201000800_gauge_levels.sql, with the platform's events before its
-- first partition read through usage_events instead of the default partition directly.
------------------------------------------------------------------------------------------------
create or replace function private.usage_origin(p_org_id uuid, p_user_id uuid)
returns timestamptz
language plpgsql
stable
security definer
set search_path = ''
set plan_cache_mode = force_generic_plan
as $$
declare
  v_rolled timestamptz;
begin
  -- One statement per scope, each an index range (a "p_org_id is null or org_id = p_org_id"
  -- predicate would cost a sequential scan of the roll-ups in a cached plan). Raw events are looked
  -- for only before the first roll-up: the partitions after it are pruned, not probed.
  if p_org_id is not null and p_user_id is not null then
    v_rolled := least(
      (select min(a.period_start) from public.usage_aggregations a
       where a.user_id = p_user_id and a.period_type = 'daily' and a.org_id = p_org_id),
      (select min(a.period_start) from public.usage_aggregations a
       where a.user_id = p_user_id and a.period_type = 'monthly' and a.org_id = p_org_id));
    return least(v_rolled,
      (select min(e.created_at) from public.usage_events e
       where e.user_id = p_user_id and e.org_id = p_org_id and e.created_at < coalesce(v_rolled, 'infinity')));
  elsif p_org_id is not null then
    v_rolled := least(
      (select min(a.period_start) from public.usage_aggregations a where a.org_id = p_org_id and a.period_type = 'daily'),
      (select min(a.period_start) from public.usage_aggregations a where a.org_id = p_org_id and a.period_type = 'monthly'));
    return least(v_rolled,
      (select min(e.created_at) from public.usage_events e
       where e.org_id = p_org_id and e.created_at < coalesce(v_rolled, 'infinity')));
  elsif p_user_id is not null then
    v_rolled := least(
      (select min(a.period_start) from public.usage_aggregations a where a.user_id = p_user_id and a.period_type = 'daily'),
      (select min(a.period_start) from public.usage_aggregations a where a.user_id = p_user_id and a.period_type = 'monthly'));
    return least(v_rolled,
      (select min(e.created_at) from public.usage_events e
       where e.user_id = p_user_id and e.created_at < coalesce(v_rolled, 'infinity')));
  end if;
  -- The platform: its first roll-up, its first partition's month, and any event before that
  -- month (only the default partition can hold one), read through usage_events.
  v_rolled := least(
    (select min(a.period_start) from public.usage_aggregations a where a.period_type = 'daily'),
    (select min(a.period_start) from public.usage_aggregations a where a.period_type = 'monthly'),
    (select min(m)::timestamp at time zone 'utc' from private.usage_partition_months() m));
  return least(v_rolled,
    (select min(e.created_at) from public.usage_events e where e.created_at < coalesce(v_rolled, 'infinity')));
end;
$$;
