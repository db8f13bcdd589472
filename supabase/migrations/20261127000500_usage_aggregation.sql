-- Aggregation: daily and monthly roll-ups of usage_events, the runs log, late-event tracking and
-- the exact real-time read model (docs/architecture.md §4: "usage_aggregations", "aggregate_usage",
-- "Reading usage").
--
-- Sections: tables · late events · aggregate_usage() · watermark · usage_totals() · RLS and grants
--
-- Semantics of a roll-up row (one per period, org, user and metric):
--   counters        total_quantity = sum of quantities in the period
--   storage_used    total_quantity = net change in bytes in the period (a signed delta); the gauge
--                   "bytes stored at time T" is the sum of every delta before T
--   user_active     total_quantity = 1 (the row's user was active in the period); distinct active
--                   users of an org = the number of its rows
--   event_count     the number of events behind the row, for every metric

------------------------------------------------------------------------------------------------
-- Tables
------------------------------------------------------------------------------------------------
create table public.usage_aggregations (
  id bigint generated always as identity primary key,
  period_type text not null check (period_type in ('daily', 'monthly')),
  period_start timestamptz not null,
  period_end timestamptz not null,
  org_id uuid,
  user_id uuid not null,
  metric_type text not null,
  total_quantity numeric not null,
  event_count bigint not null,
  updated_at timestamptz not null default now(),
  constraint usage_aggregations_key unique nulls not distinct (period_type, period_start, org_id, user_id, metric_type),
  check (period_end > period_start)
);
create index usage_aggregations_org_idx on public.usage_aggregations (org_id, period_type, period_start);
create index usage_aggregations_user_idx on public.usage_aggregations (user_id, period_type, period_start);
create index usage_aggregations_period_idx on public.usage_aggregations (period_type, period_start);

create table public.usage_aggregation_runs (
  id bigint generated always as identity primary key,
  period_type text not null,
  period_start timestamptz not null,
  period_end timestamptz not null,
  rows_upserted integer not null default 0,
  rows_deleted integer not null default 0,
  duration_ms numeric(12, 3),
  status text not null check (status in ('succeeded', 'failed')),
  error text,
  started_at timestamptz not null default now(),
  finished_at timestamptz
);
create index usage_aggregation_runs_started_idx on public.usage_aggregation_runs (started_at desc);

-- Days that received events after they ended (late or backdated): they, and their months, must be
-- rolled up again. Today's events are not late: today is never rolled up before it ends.
create table public.usage_dirty_days (
  day date primary key,
  marked_at timestamptz not null default now()
);

-- Closed months whose days were rolled up again after a late event: their monthly rows follow.
create table public.usage_dirty_months (
  month date primary key,
  marked_at timestamptz not null default now()
);

-- How far the daily roll-ups are complete: every day before rolled_through is rolled up (or dirty,
-- which the readers account for). Reads take roll-ups before it and raw events from it on.
create table public.usage_aggregation_state (
  period_type text primary key check (period_type in ('daily', 'monthly')),
  rolled_through timestamptz,
  updated_at timestamptz not null default now()
);
insert into public.usage_aggregation_state (period_type) values ('daily'), ('monthly');

------------------------------------------------------------------------------------------------
-- Late events: one statement-level trigger per insert batch (not per row, to keep ingestion fast).
------------------------------------------------------------------------------------------------
create or replace function private.mark_late_usage_days()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.usage_dirty_days (day)
  select distinct (n.created_at at time zone 'utc')::date
  from new_rows n
  -- clock_timestamp, not now(): a transaction that began before midnight may insert after it.
  where n.created_at < date_trunc('day', clock_timestamp() at time zone 'utc') at time zone 'utc'
  on conflict (day) do nothing;
  return null;
end;
$$;

create trigger usage_events_mark_late_days
  after insert on public.usage_events
  referencing new table as new_rows
  for each statement execute function private.mark_late_usage_days();

------------------------------------------------------------------------------------------------
-- aggregate_usage: recomputes every whole UTC period of p_period_type that intersects
-- [p_period_start, p_period_end), in one transaction: upserts the rows that changed, deletes the
-- rows of those periods that no longer have events, clears the periods' late marks, moves the
-- watermark and records the run. Runs of one period type are serialized by an advisory lock, so
-- two concurrent calls give the same result as two in a row.
------------------------------------------------------------------------------------------------
create or replace function public.aggregate_usage(
  p_period_type text,
  p_period_start timestamptz,
  p_period_end timestamptz
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
  v_started timestamptz := clock_timestamp();
  v_upserted integer := 0;
  v_deleted integer := 0;
  v_rolled timestamptz;
begin
  if p_period_type is null or p_period_type not in ('daily', 'monthly') then
    raise exception 'p_period_type must be daily or monthly, not %', coalesce(p_period_type, 'null')
      using errcode = '22023';
  end if;
  if p_period_start is null or p_period_end is null or p_period_end <= p_period_start then
    raise exception 'the range [%, %) is empty', p_period_start, p_period_end using errcode = '22023';
  end if;

  v_unit := case p_period_type when 'daily' then 'day' else 'month' end;
  v_step := case p_period_type when 'daily' then interval '1 day' else interval '1 month' end;
  -- Whole UTC periods: from the one containing the start to the one containing the last instant.
  v_start := date_trunc(v_unit, p_period_start at time zone 'utc') at time zone 'utc';
  v_end := (date_trunc(v_unit, (p_period_end - interval '1 microsecond') at time zone 'utc') + v_step) at time zone 'utc';
  if v_end - v_start > interval '3700 days' then
    raise exception 'aggregate at most ten years at a time' using errcode = '22023';
  end if;

  perform pg_advisory_xact_lock(hashtext('aggregate_usage'), hashtext(p_period_type));

  -- Late marks go first: an event committed after this point marks its day again and is picked
  -- up by the next run; one committed before is in the snapshot below.
  if p_period_type = 'daily' then
    with cleared as (
      delete from public.usage_dirty_days
      where day >= (v_start at time zone 'utc')::date and day < (v_end at time zone 'utc')::date
      returning day
    )
    insert into public.usage_dirty_months (month)
    select distinct date_trunc('month', day)::date from cleared
    where date_trunc('month', day) < date_trunc('month', now() at time zone 'utc')
    on conflict (month) do nothing;
  else
    delete from public.usage_dirty_months
    where month >= (v_start at time zone 'utc')::date and month < (v_end at time zone 'utc')::date;
  end if;

  create temporary table if not exists pg_temp.usage_rollup (
    period_start timestamptz, org_id uuid, user_id uuid, metric_type text,
    total_quantity numeric, event_count bigint
  ) on commit drop;
  truncate pg_temp.usage_rollup;

  insert into pg_temp.usage_rollup
  select date_trunc(v_unit, e.created_at at time zone 'utc') at time zone 'utc',
         e.org_id, e.user_id, e.event_type,
         case when e.event_type = 'user_active' then 1 else sum(e.quantity) end,
         count(*)
  from public.usage_events e
  where e.created_at >= v_start and e.created_at < v_end
  group by 1, e.org_id, e.user_id, e.event_type;

  insert into public.usage_aggregations as a (
    period_type, period_start, period_end, org_id, user_id, metric_type, total_quantity, event_count, updated_at
  )
  select p_period_type, r.period_start, (r.period_start at time zone 'utc' + v_step) at time zone 'utc',
         r.org_id, r.user_id, r.metric_type, r.total_quantity, r.event_count, now()
  from pg_temp.usage_rollup r
  on conflict on constraint usage_aggregations_key do update
    set total_quantity = excluded.total_quantity, event_count = excluded.event_count, updated_at = now()
    where a.total_quantity is distinct from excluded.total_quantity
       or a.event_count is distinct from excluded.event_count;
  get diagnostics v_upserted = row_count;

  delete from public.usage_aggregations a
  where a.period_type = p_period_type
    and a.period_start >= v_start and a.period_start < v_end
    and not exists (
      select 1 from pg_temp.usage_rollup r
      where r.period_start = a.period_start and r.org_id is not distinct from a.org_id
        and r.user_id = a.user_id and r.metric_type = a.metric_type
    );
  get diagnostics v_deleted = row_count;

  -- The watermark only moves over contiguous, closed periods.
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

  insert into public.usage_aggregation_runs (
    period_type, period_start, period_end, rows_upserted, rows_deleted, duration_ms, status, started_at, finished_at
  )
  values (
    p_period_type, v_start, (date_trunc(v_unit, (p_period_end - interval '1 microsecond') at time zone 'utc') + v_step) at time zone 'utc',
    v_upserted, v_deleted, extract(epoch from clock_timestamp() - v_started) * 1000, 'succeeded', v_started, clock_timestamp()
  );

  return jsonb_build_object(
    'period_type', p_period_type,
    'period_start', v_start,
    'period_end', (date_trunc(v_unit, (p_period_end - interval '1 microsecond') at time zone 'utc') + v_step) at time zone 'utc',
    'rows_upserted', v_upserted,
    'rows_deleted', v_deleted,
    'duration_ms', round(extract(epoch from clock_timestamp() - v_started) * 1000, 3)
  );
end;
$$;

revoke execute on function public.aggregate_usage(text, timestamptz, timestamptz) from public, anon, authenticated;
grant execute on function public.aggregate_usage(text, timestamptz, timestamptz) to service_role;

------------------------------------------------------------------------------------------------
-- Reading usage, exact and real-time: roll-ups for closed periods + raw events since the
-- watermark (and on late days). Monthly rows stand in for whole clean months, daily rows for the
-- rest, so a read touches at most one day's raw events plus late arrivals, whatever the history.
------------------------------------------------------------------------------------------------

-- The rows behind a total: (metric, user, quantity, events) from roll-ups and raw events.
create or replace function private.usage_rows(
  p_org_id uuid,
  p_user_id uuid,
  p_start timestamptz,
  p_end timestamptz,
  p_metrics text[]
)
returns table (metric_type text, user_id uuid, total_quantity numeric, event_count bigint)
language sql
stable
set search_path = ''
as $$
  with state as (
    select
      coalesce((select rolled_through from public.usage_aggregation_state where period_type = 'daily'), '-infinity') as daily_mark,
      coalesce((select rolled_through from public.usage_aggregation_state where period_type = 'monthly'), '-infinity') as monthly_mark
  ),
  starts as (
    -- the first UTC midnight at or after p_start
    select date_trunc('day', (p_start at time zone 'utc') + interval '1 day' - interval '1 microsecond') at time zone 'utc'
      as roll_start
  ),
  bounds as (
    -- Whole UTC days [roll_start, closed_end) come from roll-ups; the rest of [p_start, p_end) from
    -- raw events: [p_start, roll_start) (part of a day) and [closed_end, p_end).
    select st.roll_start,
           greatest(st.roll_start, least(date_trunc('day', p_end at time zone 'utc') at time zone 'utc', s.daily_mark))
             as closed_end,
           s.monthly_mark
    from state s, starts st
  ),
  clean_months as (
    -- Month arithmetic on UTC timestamps (without time zone): on timestamptz it would follow the
    -- session's time zone.
    select m at time zone 'utc' as month_start, (m + interval '1 month') at time zone 'utc' as month_end
    from bounds b,
         generate_series(
           date_trunc('month', b.roll_start at time zone 'utc'),
           date_trunc('month', b.closed_end at time zone 'utc'),
           interval '1 month'
         ) as m
    where m at time zone 'utc' >= b.roll_start
      and (m + interval '1 month') at time zone 'utc' <= b.closed_end
      and (m + interval '1 month') at time zone 'utc' <= b.monthly_mark
      and not exists (select 1 from public.usage_dirty_months dm where dm.month = m::date)
      and not exists (
        select 1 from public.usage_dirty_days dd
        where dd.day >= m::date and dd.day < (m + interval '1 month')::date
      )
  ),
  late_days as (
    select (dd.day::timestamp at time zone 'utc') as day_start, ((dd.day + 1)::timestamp at time zone 'utc') as day_end
    from public.usage_dirty_days dd, bounds b
    where dd.day::timestamp at time zone 'utc' >= b.roll_start and dd.day::timestamp at time zone 'utc' < b.closed_end
  )
  select a.metric_type, a.user_id, a.total_quantity, a.event_count
  from public.usage_aggregations a
  where a.period_type = 'monthly'
    and a.period_start in (select month_start from clean_months)
    and (p_org_id is null or a.org_id = p_org_id)
    and (p_user_id is null or a.user_id = p_user_id)
    and a.metric_type = any (p_metrics)
  union all
  select a.metric_type, a.user_id, a.total_quantity, a.event_count
  from public.usage_aggregations a, bounds b
  where a.period_type = 'daily'
    and a.period_start >= b.roll_start and a.period_start < b.closed_end
    and (p_org_id is null or a.org_id = p_org_id)
    and (p_user_id is null or a.user_id = p_user_id)
    and a.metric_type = any (p_metrics)
    and not exists (
      select 1 from clean_months cm where a.period_start >= cm.month_start and a.period_start < cm.month_end
    )
    and not exists (select 1 from late_days ld where ld.day_start = a.period_start)
  union all
  select e.event_type, e.user_id, e.quantity, 1
  from public.usage_events e, bounds b
  where e.created_at >= p_start and e.created_at < least(b.roll_start, p_end)
    and (p_org_id is null or e.org_id = p_org_id)
    and (p_user_id is null or e.user_id = p_user_id)
    and e.event_type = any (p_metrics)
  union all
  select e.event_type, e.user_id, e.quantity, 1
  from public.usage_events e, bounds b
  where e.created_at >= b.closed_end and e.created_at < p_end
    and (p_org_id is null or e.org_id = p_org_id)
    and (p_user_id is null or e.user_id = p_user_id)
    and e.event_type = any (p_metrics)
  union all
  select e.event_type, e.user_id, e.quantity, 1
  from late_days ld
  join public.usage_events e on e.created_at >= ld.day_start and e.created_at < ld.day_end
  where (p_org_id is null or e.org_id = p_org_id)
    and (p_user_id is null or e.user_id = p_user_id)
    and e.event_type = any (p_metrics);
$$;

-- Totals per metric in [p_start, p_end) for an organization and/or a user: counters sum,
-- user_active counts distinct users, storage_used is the gauge at p_end (every delta before it).
-- SECURITY INVOKER: RLS on the roll-ups and the events decides what a caller sees.
create or replace function public.usage_totals(
  p_org_id uuid,
  p_user_id uuid,
  p_start timestamptz,
  p_end timestamptz
)
returns table (metric_type text, total_quantity numeric, event_count bigint, rolled_through timestamptz, refreshed_at timestamptz)
language sql
stable
set search_path = ''
as $$
  with rows as (
    select * from private.usage_rows(
      p_org_id, p_user_id, p_start, p_end,
      array['record_created', 'api_call', 'automation_run', 'schedule_executed', 'ai_tokens_used', 'user_active']
    )
    union all
    select * from private.usage_rows(p_org_id, p_user_id, '2000-01-01 00:00:00+00', p_end, array['storage_used'])
  ),
  meta as (
    select
      (select s.rolled_through from public.usage_aggregation_state s where s.period_type = 'daily') as rolled_through,
      (select max(r.finished_at) from public.usage_aggregation_runs r where r.status = 'succeeded') as refreshed_at
  )
  select r.metric_type,
         case when r.metric_type = 'user_active' then count(distinct r.user_id)::numeric else sum(r.total_quantity) end,
         sum(r.event_count)::bigint,
         (select rolled_through from meta),
         (select refreshed_at from meta)
  from rows r
  group by r.metric_type;
$$;

------------------------------------------------------------------------------------------------
-- RLS and grants. Roll-ups read like events: a user their own rows, owners and admins their
-- organization's. Nobody but the service role writes them or runs aggregate_usage.
------------------------------------------------------------------------------------------------
alter table public.usage_aggregations enable row level security;
alter table public.usage_aggregation_runs enable row level security;
alter table public.usage_dirty_days enable row level security;
alter table public.usage_dirty_months enable row level security;
alter table public.usage_aggregation_state enable row level security;

create policy usage_aggregations_select on public.usage_aggregations
  for select to authenticated
  using (
    user_id = (select auth.uid())
    or (org_id is not null and private.org_role(org_id) in ('owner', 'admin'))
  );

-- Readers need the watermark and the late days to combine roll-ups and raw events exactly.
create policy usage_aggregation_state_select on public.usage_aggregation_state
  for select to authenticated using (true);
create policy usage_dirty_days_select on public.usage_dirty_days
  for select to authenticated using (true);
create policy usage_dirty_months_select on public.usage_dirty_months
  for select to authenticated using (true);
-- Run metadata (periods, row counts, durations) holds no tenant data; the freshness shown on
-- dashboards comes from it.
create policy usage_aggregation_runs_select on public.usage_aggregation_runs
  for select to authenticated using (true);

revoke all on public.usage_aggregations, public.usage_aggregation_runs, public.usage_dirty_days,
  public.usage_dirty_months, public.usage_aggregation_state from anon;
revoke insert, update, delete, truncate on public.usage_aggregations, public.usage_aggregation_runs,
  public.usage_dirty_days, public.usage_dirty_months, public.usage_aggregation_state from authenticated;
grant select on public.usage_aggregations, public.usage_aggregation_runs, public.usage_dirty_days,
  public.usage_dirty_months, public.usage_aggregation_state to authenticated;

revoke execute on function private.usage_rows(uuid, uuid, timestamptz, timestamptz, text[]) from public, anon;
grant execute on function private.usage_rows(uuid, uuid, timestamptz, timestamptz, text[]) to authenticated, service_role;
revoke execute on function public.usage_totals(uuid, uuid, timestamptz, timestamptz) from public, anon;
grant execute on function public.usage_totals(uuid, uuid, timestamptz, timestamptz) to authenticated, service_role;
