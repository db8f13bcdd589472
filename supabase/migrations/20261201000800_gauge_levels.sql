-- Reads that do not follow history, and a day's roll-up at the speed of a GROUP BY
-- (docs/scale.md).
--
-- 1. The storage gauge is a level: every change since the organization's first event. Reading it
--    summed the monthly roll-ups of the whole history (months x members x dimensions rows, each
--    one checked by RLS), so the /usage page and every storage limit check grew with history.
--    usage_gauge_months keeps one row per organization, metric and month (and one per member),
--    written by the monthly roll-up; a level reads those rows for the closed, clean months and the
--    exact reader (private.usage_rows) for the rest.
-- 2. aggregate_usage's daily pass groups raw events first and joins the catalog after, with the
--    dimension expression built from the catalog: no per-event join or array subscripts, and a
--    plan that scans the day (hash aggregate) instead of walking an index for its order.
--
-- 3. The exact reader (private.usage_rows) reads one organization with a static statement whose
--    plan the session keeps: planning the dynamic statement over every partition on each call was
--    most of a gated write's cost.
--
-- Sections: gauge months · the exact reader · the level reader · totals, series and limits on it · aggregate_usage

------------------------------------------------------------------------------------------------
-- usage_gauge_months: the net change of a gauge metric per month, for an organization (user_id
-- null) and per member. Written only by aggregate_usage('monthly', …) from the same rows as the
-- month's monthly roll-ups, so a month's row is valid exactly when its monthly rows are.
------------------------------------------------------------------------------------------------
create table public.usage_gauge_months (
  month date not null check (extract(day from month) = 1),
  org_id uuid not null,
  -- null: the whole organization
  user_id uuid,
  metric_type text not null,
  total_quantity numeric not null,
  event_count bigint not null,
  updated_at timestamptz not null default now(),
  constraint usage_gauge_months_key unique nulls not distinct (org_id, user_id, metric_type, month)
);

comment on table public.usage_gauge_months is
  'A gauge metric''s net change per month, per organization (user_id null) and per member: the storage level reads these instead of every monthly roll-up since the beginning.';

alter table public.usage_gauge_months enable row level security;
-- The same rule as usage_aggregations: a member sees their own rows, owners and admins all of the
-- organization's (its total included).
create policy usage_gauge_months_select on public.usage_gauge_months
  for select to authenticated
  using (
    user_id = (select auth.uid())
    or private.org_role(org_id) in ('owner', 'admin')
  );
revoke all on public.usage_gauge_months from anon, authenticated;
grant select on public.usage_gauge_months to authenticated;
grant all on public.usage_gauge_months to service_role;

-- The months rolled up so far.
insert into public.usage_gauge_months (month, org_id, user_id, metric_type, total_quantity, event_count)
select (a.period_start at time zone 'utc')::date, a.org_id, a.user_id, a.metric_type,
       sum(a.total_quantity), sum(a.event_count)::bigint
from public.usage_aggregations a
join public.usage_metrics m on m.metric = a.metric_type and m.kind = 'gauge'
where a.period_type = 'monthly' and a.org_id is not null
group by grouping sets (((a.period_start at time zone 'utc')::date, a.org_id, a.metric_type, a.user_id),
                        ((a.period_start at time zone 'utc')::date, a.org_id, a.metric_type));

------------------------------------------------------------------------------------------------
-- The exact reader, planned once per session: as in 20261201000700_scale.sql, with one
-- organization's reads (an owner's dashboard, every limit check) as a static statement instead of
-- a dynamic one, and a scope's origin that probes raw partitions only before its first roll-up.
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
  return least(
    (select min(a.period_start) from public.usage_aggregations a where a.period_type = 'daily'),
    (select min(a.period_start) from public.usage_aggregations a where a.period_type = 'monthly'),
    (select min(m)::timestamp at time zone 'utc' from private.usage_partition_months() m),
    (select min(d.created_at) from usage_partitions.usage_events_default d));
end;
$$;

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
-- One plan per session for the static statement below: a custom plan would be made on every call
-- (a plan over every partition costs more than the reads it makes), and the partitions outside
-- the range are pruned when the plan starts.
set plan_cache_mode = force_generic_plan
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
  if p_org_id is not null and p_user_id is null then
    -- One organization (the owner's dashboard, every limit check): a static statement, whose plan
    -- the session keeps. The dynamic one below is planned on every call, over every partition,
    -- which was most of a gated write's cost. (A member's reads stay dynamic: a generic plan could
    -- not choose between the organization's and the member's index.)
    return query
      select a.period_start, a.org_id, a.metric_type, a.user_id, a.dimension, a.total_quantity, a.event_count
      from public.usage_aggregations a
      where a.period_type = 'monthly' and a.period_start >= v_month_from and a.period_start < v_month_to
        and a.period_start <> all (v_skip_months) and a.metric_type = any (p_metrics)
        and a.org_id = p_org_id
      union all
      select a.period_start, a.org_id, a.metric_type, a.user_id, a.dimension, a.total_quantity, a.event_count
      from public.usage_aggregations a
      where a.period_type = 'daily' and a.period_start >= v_roll_start and a.period_start < least(v_month_from, v_closed_end)
        and a.period_start <> all (v_late) and a.metric_type = any (p_metrics)
        and a.org_id = p_org_id
      union all
      select a.period_start, a.org_id, a.metric_type, a.user_id, a.dimension, a.total_quantity, a.event_count
      from public.usage_aggregations a
      where a.period_type = 'daily' and a.period_start >= greatest(v_month_to, v_roll_start) and a.period_start < v_closed_end
        and a.period_start <> all (v_late) and a.metric_type = any (p_metrics)
        and a.org_id = p_org_id
      union all
      select a.period_start, a.org_id, a.metric_type, a.user_id, a.dimension, a.total_quantity, a.event_count
      from unnest(v_skip_months) as m(month_start)
      join public.usage_aggregations a
        on a.period_type = 'daily' and a.period_start >= m.month_start
       and a.period_start < (m.month_start at time zone 'utc' + interval '1 month') at time zone 'utc'
      where a.period_start <> all (v_late) and a.metric_type = any (p_metrics)
        and a.org_id = p_org_id
      union all
      select e.created_at, e.org_id, e.event_type, e.user_id,
             coalesce(concat_ws(chr(31), e.event_data ->> m.dimension_fields[1], e.event_data ->> m.dimension_fields[2]), ''),
             e.quantity, 1::bigint
      from public.usage_events e join public.usage_metrics m on m.metric = e.event_type
      where e.created_at >= v_start and e.created_at < least(v_roll_start, p_end) and e.event_type = any (p_metrics)
        and e.org_id = p_org_id
      union all
      select e.created_at, e.org_id, e.event_type, e.user_id,
             coalesce(concat_ws(chr(31), e.event_data ->> m.dimension_fields[1], e.event_data ->> m.dimension_fields[2]), ''),
             e.quantity, 1::bigint
      from public.usage_events e join public.usage_metrics m on m.metric = e.event_type
      where e.created_at >= v_closed_end and e.created_at < p_end and e.event_type = any (p_metrics)
        and e.org_id = p_org_id
      union all
      select e.created_at, e.org_id, e.event_type, e.user_id,
             coalesce(concat_ws(chr(31), e.event_data ->> m.dimension_fields[1], e.event_data ->> m.dimension_fields[2]), ''),
             e.quantity, 1::bigint
      from unnest(v_late) as l(day_start)
      join public.usage_events e on e.created_at >= l.day_start and e.created_at < l.day_start + interval '24 hours'
      join public.usage_metrics m on m.metric = e.event_type
      where e.event_type = any (p_metrics)
        and e.org_id = p_org_id;
    return;
  end if;

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
-- The level reader
------------------------------------------------------------------------------------------------

-- The level asks for one organization's first late day and dirty month before a cut. The primary
-- keys lead with the day (the roll-up clears a range of days), so without these that question
-- walks every organization's marks before the cut, including the dead ones a roll-up just cleared.
create index usage_dirty_days_org_idx on public.usage_dirty_days (org_id, day);
create index usage_dirty_months_org_idx on public.usage_dirty_months (org_id, month);

-- Whether the caller reads every member's usage of an organization, as RLS decides it for
-- usage_aggregations: a role that bypasses RLS (the service role, a SECURITY DEFINER gate) or the
-- organization's owners and admins.
create or replace function private.reads_whole_org(p_org_id uuid)
returns boolean
language sql
stable
set search_path = ''
as $$
  select coalesce((select r.rolbypassrls from pg_catalog.pg_roles r where r.rolname = current_user), false)
      or coalesce(private.org_role(p_org_id) in ('owner', 'admin'), false);
$$;
revoke execute on function private.reads_whole_org(uuid) from public, anon;
grant execute on function private.reads_whole_org(uuid) to authenticated, service_role;

-- A gauge's level at p_at (every change before it) per metric, for an organization or one of its
-- members: usage_gauge_months for the whole months before the cut, the exact reader from the cut
-- to p_at. The cut is the first month whose monthly rows may be stale: the month of p_at, the
-- monthly watermark, and the scope's first dirty month or late day. Reads across organizations
-- and an organization's total for a caller who sees only their own rows use the reader alone.
-- SECURITY INVOKER: RLS decides what the caller sees, as in usage_rows.
create or replace function private.usage_gauge_level(p_org_id uuid, p_user_id uuid, p_at timestamptz, p_metrics text[])
returns table (metric_type text, total_quantity numeric, event_count bigint)
language plpgsql
stable
set search_path = ''
set max_parallel_workers_per_gather = 0
as $$
declare
  v_cut date;
begin
  if p_at is null or coalesce(cardinality(p_metrics), 0) = 0 then
    return;
  end if;
  if p_org_id is null or (p_user_id is null and not private.reads_whole_org(p_org_id)) then
    return query
    select r.metric_type, sum(r.total_quantity), sum(r.event_count)::bigint
    from private.usage_rows(p_org_id, p_user_id, '2000-01-01 00:00:00+00', p_at, p_metrics) r
    group by r.metric_type;
    return;
  end if;

  select least(date_trunc('month', p_at at time zone 'utc')::date,
               coalesce(date_trunc('month', s.rolled_through at time zone 'utc')::date, '-infinity'::date))
  into v_cut
  from public.usage_aggregation_state s
  where s.period_type = 'monthly';
  v_cut := coalesce(v_cut, '-infinity'::date);
  select least(v_cut, min(dm.month)) into v_cut
  from public.usage_dirty_months dm
  where dm.org_id = p_org_id and dm.month < v_cut;
  select least(v_cut, min(date_trunc('month', d.day)::date)) into v_cut
  from public.usage_dirty_days d
  where d.org_id = p_org_id and d.day < v_cut;
  v_cut := coalesce(v_cut, '-infinity'::date);

  if p_user_id is null then
    return query
    select x.metric_type, sum(x.q), sum(x.n)::bigint
    from (
      select g.metric_type, g.total_quantity as q, g.event_count as n
      from public.usage_gauge_months g
      where g.org_id = p_org_id and g.user_id is null and g.month < v_cut and g.metric_type = any (p_metrics)
      union all
      select r.metric_type, r.total_quantity, r.event_count
      from private.usage_rows(p_org_id, null, v_cut::timestamp at time zone 'utc', p_at, p_metrics) r
    ) x
    group by x.metric_type;
  else
    return query
    select x.metric_type, sum(x.q), sum(x.n)::bigint
    from (
      select g.metric_type, g.total_quantity as q, g.event_count as n
      from public.usage_gauge_months g
      where g.org_id = p_org_id and g.user_id = p_user_id and g.month < v_cut and g.metric_type = any (p_metrics)
      union all
      select r.metric_type, r.total_quantity, r.event_count
      from private.usage_rows(p_org_id, p_user_id, v_cut::timestamp at time zone 'utc', p_at, p_metrics) r
    ) x
    group by x.metric_type;
  end if;
end;
$$;
revoke execute on function private.usage_gauge_level(uuid, uuid, timestamptz, text[]) from public, anon;
grant execute on function private.usage_gauge_level(uuid, uuid, timestamptz, text[]) to authenticated, service_role;

------------------------------------------------------------------------------------------------
-- Totals, series and the limit gate read gauges through the level reader. Otherwise as in
-- 20261201000300_dashboard.sql and 20261201000100_metering_integrity.sql.
------------------------------------------------------------------------------------------------
create or replace function private.metric_total(p_org_id uuid, p_metric text, p_start timestamptz, p_end timestamptz)
returns numeric
language plpgsql
stable
set search_path = ''
as $$
declare
  v_kind text;
  v_total numeric;
begin
  select m.kind into v_kind from public.usage_metrics m where m.metric = p_metric;
  if v_kind is null then
    raise exception 'unknown metric %', p_metric using errcode = '22023';
  end if;
  if v_kind = 'unique' then
    select count(distinct r.user_id) into v_total
    from private.usage_rows(p_org_id, null, p_start, p_end, array[p_metric]) r;
  elsif v_kind = 'gauge' then
    select sum(g.total_quantity) into v_total
    from private.usage_gauge_level(p_org_id, null, p_end, array[p_metric]) g;
  else
    select sum(r.total_quantity) into v_total
    from private.usage_rows(p_org_id, null, p_start, p_end, array[p_metric]) r;
  end if;
  return coalesce(v_total, 0);
end;
$$;

create or replace function public.usage_totals(
  p_org_id uuid,
  p_user_id uuid,
  p_start timestamptz,
  p_end timestamptz
)
returns table (metric_type text, total_quantity numeric, event_count bigint, rolled_through timestamptz, refreshed_at timestamptz)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_rolled_through timestamptz;
  v_refreshed_at timestamptz;
begin
  select s.rolled_through into v_rolled_through from public.usage_aggregation_state s where s.period_type = 'daily';
  select r.finished_at into v_refreshed_at from public.usage_aggregation_runs r
  where r.status = 'succeeded' order by r.started_at desc limit 1;

  return query
  select r.metric_type,
         case when m.kind = 'unique' then count(distinct r.user_id)::numeric else sum(r.total_quantity) end,
         sum(r.event_count)::bigint,
         v_rolled_through,
         v_refreshed_at
  from private.usage_rows(
    p_org_id, p_user_id, p_start, p_end,
    array(select m.metric from public.usage_metrics m where m.kind <> 'gauge')
  ) r
  join public.usage_metrics m on m.metric = r.metric_type
  group by r.metric_type, m.kind
  union all
  select g.metric_type, g.total_quantity, g.event_count, v_rolled_through, v_refreshed_at
  from private.usage_gauge_level(
    p_org_id, p_user_id, p_end,
    array(select m.metric from public.usage_metrics m where m.kind = 'gauge')
  ) g;
end;
$$;

create or replace function public.usage_series(
  p_org_id uuid,
  p_user_id uuid,
  p_start timestamptz,
  p_end timestamptz,
  p_bucket text
)
returns table (bucket_start timestamptz, metric_type text, total_quantity numeric, event_count bigint)
language plpgsql
stable
set search_path = ''
as $$
begin
  if p_bucket is null or p_bucket not in ('day', 'month') then
    raise exception 'p_bucket must be day or month, not %', coalesce(p_bucket, 'null') using errcode = '22023';
  end if;
  if p_end - p_start > interval '800 days' then
    raise exception 'a series covers at most 800 days' using errcode = '22023';
  end if;
  return query
  with rows as (
    select r.at, r.metric_type, r.user_id, r.total_quantity, r.event_count
    from private.usage_rows(p_org_id, p_user_id, p_start, p_end,
                            array(select m.metric from public.usage_metrics m), p_bucket) r
  )
  select date_trunc(p_bucket, r.at at time zone 'utc') at time zone 'utc',
         r.metric_type,
         case when m.kind = 'unique' then count(distinct r.user_id)::numeric else sum(r.total_quantity) end,
         sum(r.event_count)::bigint
  from rows r
  join public.usage_metrics m on m.metric = r.metric_type
  group by 1, r.metric_type, m.kind
  union all
  select null::timestamptz, g.metric_type, g.total_quantity, g.event_count
  from private.usage_gauge_level(p_org_id, p_user_id, p_start,
                                 array(select m.metric from public.usage_metrics m where m.kind = 'gauge')) g;
end;
$$;

------------------------------------------------------------------------------------------------
-- aggregate_usage: as in 20261201000700_scale.sql, with the daily pass grouping before it joins
-- the catalog, and the monthly pass writing usage_gauge_months.
------------------------------------------------------------------------------------------------
create or replace function public.aggregate_usage(
  p_period_type text,
  p_period_start timestamptz,
  p_period_end timestamptz,
  p_org_ids uuid[] default null
)
returns jsonb
language plpgsql
set search_path = ''
-- A day's events are grouped in memory (a hash aggregate of the day's groups), not sorted.
set work_mem = '64MB'
-- Restored when the function returns; switched off around the daily pass only (below).
set enable_indexscan = on
as $$
declare
  v_dimension_sql text;
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
    -- Written out per metric from the catalog (the same value as the readers' concat_ws over
    -- dimension_fields), so the pass groups raw events by plain expressions and joins the
    -- catalog on the groups, not on every event.
    select coalesce('case e.event_type ' || string_agg(format('when %L then coalesce(concat_ws(chr(31), %s), %L)',
                      m.metric,
                      (select string_agg(format('e.event_data ->> %L', f), ', ' order by o) from unnest(m.dimension_fields) with ordinality as d(f, o)),
                      ''), ' ' order by m.metric) || ' else '''' end', '''''')
    into v_dimension_sql
    from public.usage_metrics m
    where cardinality(m.dimension_fields) > 0;

    -- The day is read whole: walking the (user_id, created_at) index for its order costs a random
    -- heap read per event, which the planner misjudges for a day's worth of groups.
    set local enable_indexscan = off;
    execute format($sql$
      insert into pg_temp.usage_rollup
      select g.day, g.org_id, g.user_id, g.event_type, g.dimension,
             case when m.kind = 'unique' then 1 else g.quantity end, g.events
      from (
        select date_trunc('day', e.created_at at time zone 'utc') at time zone 'utc' as day,
               e.org_id, e.user_id, e.event_type, %s as dimension,
               sum(e.quantity) as quantity, count(*) as events
        from public.usage_events e
        where e.created_at >= $1 and e.created_at < $2
          and ($3::uuid[] is null or private.org_key(e.org_id) = any ($3))
        group by 1, 2, 3, 4, 5
      ) g
      join public.usage_metrics m on m.metric = g.event_type
    $sql$, v_dimension_sql)
    using v_start, v_end, p_org_ids;
    set local enable_indexscan = on;
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

  -- A month's gauge rows, per organization and per member, from the month's new rows.
  if p_period_type = 'monthly' then
    delete from public.usage_gauge_months g
    where g.month >= (v_start at time zone 'utc')::date and g.month < (v_end at time zone 'utc')::date
      and (p_org_ids is null or g.org_id = any (p_org_ids));
    insert into public.usage_gauge_months (month, org_id, user_id, metric_type, total_quantity, event_count)
    select (r.period_start at time zone 'utc')::date, r.org_id, r.user_id, r.metric_type,
           sum(r.total_quantity), sum(r.event_count)::bigint
    from pg_temp.usage_rollup r
    join public.usage_metrics m on m.metric = r.metric_type and m.kind = 'gauge'
    where r.org_id is not null
    group by grouping sets ((r.period_start, r.org_id, r.metric_type, r.user_id), (r.period_start, r.org_id, r.metric_type));
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
