-- The usage dashboard's data: roll-ups that keep each metric's breakdown dimension, exact
-- per-bucket series and breakdowns, and limit alerts recorded once per threshold and period.
--
-- Sections: dimensions · aggregate_usage with dimensions · the reader with time and dimension ·
--           series and breakdowns · limit alerts

------------------------------------------------------------------------------------------------
-- Dimensions: the catalog says which event_data fields (at most two) a metric is broken down by.
-- Roll-up rows keep them, joined by U+001F, so breakdowns read roll-ups, never raw history.
------------------------------------------------------------------------------------------------
alter table public.usage_metrics
  add column dimension_fields text[] not null default '{}' check (cardinality(dimension_fields) <= 2);
update public.usage_metrics set dimension_fields = '{route,status}' where metric = 'api_call';
update public.usage_metrics set dimension_fields = '{model}' where metric = 'ai_tokens_used';

alter table public.usage_aggregations add column dimension text not null default '';
alter table public.usage_aggregations drop constraint usage_aggregations_key;
alter table public.usage_aggregations add constraint usage_aggregations_key
  unique nulls not distinct (period_type, period_start, org_id, user_id, metric_type, dimension);

------------------------------------------------------------------------------------------------
-- aggregate_usage: as before, grouped by dimension too.
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
    period_start timestamptz, org_id uuid, user_id uuid, metric_type text, dimension text,
    total_quantity numeric, event_count bigint
  ) on commit drop;
  truncate pg_temp.usage_rollup;

  -- The catalog's dimension fields (at most two) of each event, e.g. an API call's route and
  -- status, an AI request's model: breakdowns read roll-ups, not raw events.
  insert into pg_temp.usage_rollup
  select date_trunc(v_unit, e.created_at at time zone 'utc') at time zone 'utc',
         e.org_id, e.user_id, e.event_type,
         coalesce(concat_ws(chr(31), e.event_data ->> m.dimension_fields[1], e.event_data ->> m.dimension_fields[2]), ''),
         case when m.kind = 'unique' then 1 else sum(e.quantity) end,
         count(*)
  from public.usage_events e
  join public.usage_metrics m on m.metric = e.event_type
  where e.created_at >= v_start and e.created_at < v_end
  group by 1, e.org_id, e.user_id, e.event_type, 5, m.kind;

  insert into public.usage_aggregations as a (
    period_type, period_start, period_end, org_id, user_id, metric_type, dimension, total_quantity, event_count, updated_at
  )
  select p_period_type, r.period_start, (r.period_start at time zone 'utc' + v_step) at time zone 'utc',
         r.org_id, r.user_id, r.metric_type, r.dimension, r.total_quantity, r.event_count, now()
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
        and r.user_id = a.user_id and r.metric_type = a.metric_type and r.dimension = a.dimension
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
-- The reader, now with each row's time (a roll-up's period start or an event's created_at) and
-- dimension, and a grain: 'day' reads daily rows where 'month' would use monthly ones.
------------------------------------------------------------------------------------------------
drop function private.usage_rows(uuid, uuid, timestamptz, timestamptz, text[]);

create or replace function private.usage_rows(
  p_org_id uuid,
  p_user_id uuid,
  p_start timestamptz,
  p_end timestamptz,
  p_metrics text[],
  p_grain text default 'month'
)
returns table (at timestamptz, metric_type text, user_id uuid, dimension text, total_quantity numeric, event_count bigint)
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
begin
  if p_start is null or p_end is null or p_end <= p_start then
    return;
  end if;

  select coalesce(max(s.rolled_through) filter (where s.period_type = 'daily'), '-infinity'),
         coalesce(max(s.rolled_through) filter (where s.period_type = 'monthly'), '-infinity')
  into v_daily_mark, v_monthly_mark
  from public.usage_aggregation_state s;

  -- Whole UTC days [roll_start, closed_end) come from roll-ups; the rest of [p_start, p_end) from
  -- raw events: [p_start, roll_start) (part of a day) and [closed_end, p_end).
  v_roll_start := date_trunc('day', (p_start at time zone 'utc') + interval '1 day' - interval '1 microsecond') at time zone 'utc';
  v_closed_end := greatest(v_roll_start, least(date_trunc('day', p_end at time zone 'utc') at time zone 'utc', v_daily_mark));

  -- Days that received events after they were rolled up are read raw.
  select coalesce(array_agg(d.day::timestamp at time zone 'utc' order by d.day), '{}')
  into v_late
  from public.usage_dirty_days d
  where d.day >= (v_roll_start at time zone 'utc')::date and d.day < (v_closed_end at time zone 'utc')::date;

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
    select a.period_start, a.metric_type, a.user_id, a.dimension, a.total_quantity, a.event_count
    from public.usage_aggregations a
    where a.period_type = 'monthly' and a.period_start >= $4 and a.period_start < $5
      and a.period_start <> all ($6) and a.metric_type = any ($3) and %1$s
    union all
    select a.period_start, a.metric_type, a.user_id, a.dimension, a.total_quantity, a.event_count
    from public.usage_aggregations a
    where a.period_type = 'daily' and a.period_start >= $8 and a.period_start < least($4, $9)
      and a.period_start <> all ($7) and a.metric_type = any ($3) and %1$s
    union all
    select a.period_start, a.metric_type, a.user_id, a.dimension, a.total_quantity, a.event_count
    from public.usage_aggregations a
    where a.period_type = 'daily' and a.period_start >= greatest($5, $8) and a.period_start < $9
      and a.period_start <> all ($7) and a.metric_type = any ($3) and %1$s
    union all
    select a.period_start, a.metric_type, a.user_id, a.dimension, a.total_quantity, a.event_count
    from unnest($6) as m(month_start)
    join public.usage_aggregations a
      on a.period_type = 'daily' and a.period_start >= m.month_start
     and a.period_start < (m.month_start at time zone 'utc' + interval '1 month') at time zone 'utc'
    where a.period_start <> all ($7) and a.metric_type = any ($3) and %1$s
    union all
    select e.created_at, e.event_type, e.user_id,
           coalesce(concat_ws(chr(31), e.event_data ->> m.dimension_fields[1], e.event_data ->> m.dimension_fields[2]), ''),
           e.quantity, 1::bigint
    from public.usage_events e join public.usage_metrics m on m.metric = e.event_type
    where e.created_at >= $10 and e.created_at < least($8, $11) and e.event_type = any ($3) and %2$s
    union all
    select e.created_at, e.event_type, e.user_id,
           coalesce(concat_ws(chr(31), e.event_data ->> m.dimension_fields[1], e.event_data ->> m.dimension_fields[2]), ''),
           e.quantity, 1::bigint
    from public.usage_events e join public.usage_metrics m on m.metric = e.event_type
    where e.created_at >= $9 and e.created_at < $11 and e.event_type = any ($3) and %2$s
    union all
    select e.created_at, e.event_type, e.user_id,
           coalesce(concat_ws(chr(31), e.event_data ->> m.dimension_fields[1], e.event_data ->> m.dimension_fields[2]), ''),
           e.quantity, 1::bigint
    from unnest($7) as l(day_start)
    join public.usage_events e on e.created_at >= l.day_start and e.created_at < l.day_start + interval '24 hours'
    join public.usage_metrics m on m.metric = e.event_type
    where e.event_type = any ($3) and %2$s
  $sql$, v_agg_scope, replace(v_agg_scope, 'a.', 'e.'))
  using p_org_id, p_user_id, p_metrics, v_month_from, v_month_to, v_skip_months, v_late,
        v_roll_start, v_closed_end, p_start, p_end;
end;
$$;

revoke execute on function private.usage_rows(uuid, uuid, timestamptz, timestamptz, text[], text) from public, anon;
grant execute on function private.usage_rows(uuid, uuid, timestamptz, timestamptz, text[], text) to authenticated, service_role;

-- usage_totals, on the new columns.
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
  with rows as (
    select r.metric_type, r.user_id, r.total_quantity, r.event_count from private.usage_rows(
      p_org_id, p_user_id, p_start, p_end,
      array(select m.metric from public.usage_metrics m where m.kind <> 'gauge')
    ) r
    union all
    select r.metric_type, r.user_id, r.total_quantity, r.event_count from private.usage_rows(
      p_org_id, p_user_id, '2000-01-01 00:00:00+00', p_end,
      array(select m.metric from public.usage_metrics m where m.kind = 'gauge')
    ) r
  )
  select r.metric_type,
         case when m.kind = 'unique' then count(distinct r.user_id)::numeric else sum(r.total_quantity) end,
         sum(r.event_count)::bigint,
         v_rolled_through,
         v_refreshed_at
  from rows r
  join public.usage_metrics m on m.metric = r.metric_type
  group by r.metric_type, m.kind;
end;
$$;

------------------------------------------------------------------------------------------------
-- Series and breakdowns for the dashboard, exact like usage_totals and read the same way.
-- SECURITY INVOKER: RLS on roll-ups and events decides what a caller sees.
------------------------------------------------------------------------------------------------

-- Per bucket ('day' or 'month', UTC) and metric in [p_start, p_end): counters sum, unique metrics
-- count distinct users per bucket, the gauge gives its net change per bucket plus one row with a
-- null bucket holding its level at p_start (the caller carries it forward). Buckets without
-- usage are absent; the caller fills them.
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
  select null::timestamptz, r.metric_type, coalesce(sum(r.total_quantity), 0), coalesce(sum(r.event_count), 0)::bigint
  from private.usage_rows(p_org_id, p_user_id, '2000-01-01 00:00:00+00', p_start,
                          array(select m.metric from public.usage_metrics m where m.kind = 'gauge')) r
  group by r.metric_type;
end;
$$;

-- Totals per member ('member': key = user id) or per dimension ('dimension': key = the dimension
-- value) and metric in [p_start, p_end). For the gauge, the net change in the range.
create or replace function public.usage_breakdown(
  p_org_id uuid,
  p_user_id uuid,
  p_start timestamptz,
  p_end timestamptz,
  p_by text
)
returns table (key text, metric_type text, total_quantity numeric, event_count bigint)
language plpgsql
stable
set search_path = ''
as $$
begin
  if p_by is null or p_by not in ('member', 'dimension') then
    raise exception 'p_by must be member or dimension, not %', coalesce(p_by, 'null') using errcode = '22023';
  end if;
  return query
  select case when p_by = 'member' then r.user_id::text else r.dimension end,
         r.metric_type,
         case when m.kind = 'unique' then count(distinct r.user_id)::numeric else sum(r.total_quantity) end,
         sum(r.event_count)::bigint
  from private.usage_rows(p_org_id, p_user_id, p_start, p_end, array(select m.metric from public.usage_metrics m)) r
  join public.usage_metrics m on m.metric = r.metric_type
  where p_by = 'member' or cardinality(m.dimension_fields) > 0
  group by 1, r.metric_type, m.kind;
end;
$$;

revoke execute on function public.usage_series(uuid, uuid, timestamptz, timestamptz, text) from public, anon;
revoke execute on function public.usage_breakdown(uuid, uuid, timestamptz, timestamptz, text) from public, anon;
grant execute on function public.usage_series(uuid, uuid, timestamptz, timestamptz, text) to authenticated, service_role;
grant execute on function public.usage_breakdown(uuid, uuid, timestamptz, timestamptz, text) to authenticated, service_role;

------------------------------------------------------------------------------------------------
-- Limit alerts: when an organization's usage of a limited metric reaches 80% and 100% of its
-- limit in a billing period, one notification per organization, metric, threshold and period
-- (the unique key makes concurrent crossings record it once). Recorded where a gated write checks
-- its limit, and by the aggregation cron for every organization (usage that is not gated, like
-- active users or reported AI tokens, and limits lowered by a plan change).
------------------------------------------------------------------------------------------------
create table public.usage_notifications (
  id bigint generated always as identity primary key,
  org_id uuid not null references public.organizations (id) on delete cascade,
  metric text not null references public.usage_metrics (metric),
  threshold integer not null check (threshold in (80, 100)),
  period_start timestamptz not null,
  period_end timestamptz not null,
  used numeric not null,
  limit_value numeric not null,
  created_at timestamptz not null default now(),
  dismissed_at timestamptz,
  dismissed_by uuid references auth.users (id) on delete set null,
  constraint usage_notifications_once unique (org_id, metric, threshold, period_start)
);
create index usage_notifications_metric_idx on public.usage_notifications (metric);
create index usage_notifications_dismissed_by_idx on public.usage_notifications (dismissed_by);

alter table public.usage_notifications enable row level security;
create policy usage_notifications_select on public.usage_notifications
  for select to authenticated using (private.org_role(org_id) in ('owner', 'admin'));
revoke all on public.usage_notifications from anon;
revoke insert, update, delete, truncate on public.usage_notifications from authenticated;

-- Records the thresholds that `p_used` reaches against `p_limit` in the period (idempotent).
create or replace function private.record_limit_crossings(
  p_org_id uuid,
  p_metric text,
  p_used numeric,
  p_limit numeric,
  p_period_start timestamptz,
  p_period_end timestamptz
)
returns void
language sql
volatile
security definer
set search_path = ''
as $$
  insert into public.usage_notifications (org_id, metric, threshold, period_start, period_end, used, limit_value)
  select p_org_id, p_metric, t, p_period_start, p_period_end, p_used, p_limit
  from unnest(array[80, 100]) as t
  where p_limit is not null and p_limit > 0 and p_used >= p_limit * t / 100.0
  on conflict on constraint usage_notifications_once do nothing;
$$;

revoke execute on function private.record_limit_crossings(uuid, text, numeric, numeric, timestamptz, timestamptz) from public, anon, authenticated;

-- Every organization's limited metrics, checked now (the aggregation cron calls it after rolling
-- up). Returns the notifications it added.
create or replace function public.record_usage_alerts()
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_before bigint;
  v_org record;
  v_metric record;
  v_billing record;
  v_limit numeric;
begin
  select count(*) into v_before from public.usage_notifications;
  for v_org in select o.id from public.organizations o loop
    select * into v_billing from private.org_billing(v_org.id, now());
    for v_metric in select m.metric from public.usage_metrics m order by m.sort_order loop
      v_limit := private.plan_limit(v_billing.limits, v_metric.metric);
      continue when v_limit is null;
      perform private.record_limit_crossings(
        v_org.id, v_metric.metric,
        private.metric_total(v_org.id, v_metric.metric, v_billing.period_start, v_billing.period_end),
        v_limit, v_billing.period_start, v_billing.period_end);
    end loop;
  end loop;
  return (select count(*) from public.usage_notifications) - v_before;
end;
$$;

revoke execute on function public.record_usage_alerts() from public, anon, authenticated;
grant execute on function public.record_usage_alerts() to service_role;

-- The gate records the thresholds a write takes the organization to, in the write's transaction.
create or replace function private.enforce_usage_limit(p_org_id uuid, p_metric text, p_adding numeric default 0)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_billing record;
  v_limit numeric;
  v_status jsonb;
begin
  select * into v_billing from private.org_billing(p_org_id, now());
  v_limit := private.plan_limit(v_billing.limits, p_metric);
  if v_limit is null then
    return; -- unlimited: nothing to serialize
  end if;
  -- A snapshot taken before the lock would miss the writes the lock waited for.
  if current_setting('transaction_isolation') <> 'read committed' then
    raise exception 'usage limits are enforced in READ COMMITTED transactions only' using errcode = '25001';
  end if;

  perform private.lock_usage_metric(p_org_id, p_metric);
  -- A new statement, so a new snapshot: it sees every event committed by the lock's earlier holders.
  select private.usage_limit_status(p_org_id, p_metric, p_adding) into v_status;
  if (v_status ->> 'exceeded')::boolean then
    raise exception using
      errcode = 'PT402',
      message = format(
        'Limit reached for %s: the %s plan allows %s%s, and this organization has used %s. Upgrade the plan to continue.',
        v_status ->> 'label', v_status ->> 'plan_name',
        private.describe_amount(p_metric, v_limit),
        case when p_metric = 'storage_used' then '' else ' per billing period' end,
        private.describe_amount(p_metric, (v_status ->> 'used')::numeric)),
      detail = v_status::text,
      hint = 'Upgrade the plan, or wait for the next billing period.';
  end if;
  perform private.record_limit_crossings(
    p_org_id, p_metric, (v_status ->> 'used')::numeric + greatest(coalesce(p_adding, 0), 0), v_limit,
    v_billing.period_start, v_billing.period_end);
end;
$$;
