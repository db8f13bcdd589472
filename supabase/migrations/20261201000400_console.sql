-- The platform console's data: platform-wide reads that use an index, usage per organization,
-- ingestion counted where it happens, spikes, and reconciliation of metered usage against the
-- rows and bytes it stands for.
--
-- Sections: platform reads · usage per organization · aggregation runs · ingestion log · spikes ·
-- reconciliation

------------------------------------------------------------------------------------------------
-- Platform reads (no organization, no user) take the raw tail by created_at alone. Events arrive
-- roughly in created_at order, so a BRIN index answers "since the watermark" for a fraction of a
-- btree's cost on every insert.
------------------------------------------------------------------------------------------------
create index usage_events_created_brin on public.usage_events using brin (created_at);

------------------------------------------------------------------------------------------------
-- The reader also says which organization each row belongs to.
------------------------------------------------------------------------------------------------
drop function private.usage_rows(uuid, uuid, timestamptz, timestamptz, text[], text);

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
        v_roll_start, v_closed_end, p_start, p_end;
end;
$$;

revoke execute on function private.usage_rows(uuid, uuid, timestamptz, timestamptz, text[], text) from public, anon;
grant execute on function private.usage_rows(uuid, uuid, timestamptz, timestamptz, text[], text) to authenticated, service_role;

------------------------------------------------------------------------------------------------
-- usage_breakdown by organization too ('org': key = the organization's id), for the console.
------------------------------------------------------------------------------------------------
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
  if p_by is null or p_by not in ('member', 'dimension', 'org') then
    raise exception 'p_by must be member, dimension or org, not %', coalesce(p_by, 'null') using errcode = '22023';
  end if;
  return query
  select case p_by when 'member' then r.user_id::text when 'org' then r.org_id::text else r.dimension end,
         r.metric_type,
         case when m.kind = 'unique' then count(distinct r.user_id)::numeric else sum(r.total_quantity) end,
         sum(r.event_count)::bigint
  from private.usage_rows(
    p_org_id, p_user_id,
    -- The gauge per organization is what each one holds at p_end, counted from the beginning.
    case when p_by = 'org' then '2000-01-01 00:00:00+00' else p_start end, p_end,
    case when p_by = 'org' then array(select m.metric from public.usage_metrics m where m.kind = 'gauge')
         else array(select m.metric from public.usage_metrics m) end) r
  join public.usage_metrics m on m.metric = r.metric_type
  where p_by in ('member', 'org') or cardinality(m.dimension_fields) > 0
  group by 1, r.metric_type, m.kind
  union all
  select r.org_id::text, r.metric_type,
         case when m.kind = 'unique' then count(distinct r.user_id)::numeric else sum(r.total_quantity) end,
         sum(r.event_count)::bigint
  from private.usage_rows(p_org_id, p_user_id, p_start, p_end,
                          array(select m.metric from public.usage_metrics m where m.kind <> 'gauge')) r
  join public.usage_metrics m on m.metric = r.metric_type
  where p_by = 'org' and r.org_id is not null
  group by r.org_id, r.metric_type, m.kind;
end;
$$;

------------------------------------------------------------------------------------------------
-- Aggregation runs (periods, row counts, durations, errors) are the console's, not tenants'.
-- Signed-in users keep what usage_totals reads under their own rights: when a run finished.
------------------------------------------------------------------------------------------------
revoke select on public.usage_aggregation_runs from authenticated;
grant select (status, started_at, finished_at) on public.usage_aggregation_runs to authenticated;

------------------------------------------------------------------------------------------------
-- Ingestion, counted where it happens: per hour and source ('queue' for the app's own writes,
-- 'api' for other services), the events offered, stored, skipped as duplicates and rejected
-- (with the reasons, by the app before they reach the database).
------------------------------------------------------------------------------------------------
create table public.usage_ingestion_log (
  hour timestamptz not null,
  source text not null check (source in ('queue', 'api')),
  -- Parallel writers (the queue writes four batches at once) each add to their own row of the
  -- hour instead of queueing on one; readers sum the shards.
  shard smallint not null,
  offered bigint not null default 0,
  stored bigint not null default 0,
  duplicates bigint not null default 0,
  rejected bigint not null default 0,
  reasons jsonb not null default '{}' check (jsonb_typeof(reasons) = 'object'),
  primary key (hour, source, shard)
);
alter table public.usage_ingestion_log enable row level security;
revoke all on public.usage_ingestion_log from anon, authenticated;

-- Adds to the hour's counters; reasons are summed per reason.
create or replace function private.count_ingestion(
  p_source text,
  p_offered bigint,
  p_stored bigint,
  p_rejected bigint default 0,
  p_reasons jsonb default '{}'
)
returns void
language sql
volatile
security definer
set search_path = ''
as $$
  insert into public.usage_ingestion_log as l (hour, source, shard, offered, stored, duplicates, rejected, reasons)
  values (date_trunc('hour', now()), p_source, pg_backend_pid() % 8, p_offered, p_stored,
          greatest(p_offered - p_stored - p_rejected, 0), p_rejected, coalesce(p_reasons, '{}'))
  on conflict (hour, source, shard) do update
    set offered = l.offered + excluded.offered,
        stored = l.stored + excluded.stored,
        duplicates = l.duplicates + excluded.duplicates,
        rejected = l.rejected + excluded.rejected,
        reasons = (
          select coalesce(jsonb_object_agg(k, v), '{}')
          from (
            select k, sum(v::bigint) as v
            from (select * from jsonb_each_text(l.reasons) union all select * from jsonb_each_text(excluded.reasons)) as r(k, v)
            group by k
          ) s
        );
$$;

revoke execute on function private.count_ingestion(text, bigint, bigint, bigint, jsonb) from public, anon, authenticated;
grant execute on function private.count_ingestion(text, bigint, bigint, bigint, jsonb) to service_role;

-- For the ingestion API: the events it refused before writing, by reason.
create or replace function public.record_ingestion_rejections(p_rejected bigint, p_reasons jsonb)
returns void
language sql
volatile
set search_path = ''
as $$
  select private.count_ingestion('api', p_rejected, 0, p_rejected, p_reasons);
$$;

revoke execute on function public.record_ingestion_rejections(bigint, jsonb) from public, anon, authenticated;
grant execute on function public.record_ingestion_rejections(bigint, jsonb) to service_role;

-- ingest_usage_events counts what it stored and skipped. p_source: 'queue' (default) or 'api'.
drop function public.ingest_usage_events(jsonb, boolean);
create or replace function public.ingest_usage_events(p_rows jsonb, p_return_keys boolean default false, p_source text default 'queue')
returns setof text
language plpgsql
set search_path = ''
as $$
declare
  v_keys text[];
  v_stored bigint;
begin
  begin
    with inserted as (
      insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
      select (r ->> 0)::uuid, (r ->> 1)::uuid, r ->> 2, (r ->> 3)::numeric, r -> 4, (r ->> 5)::timestamptz, r ->> 6
      from jsonb_array_elements(p_rows) as r
      returning usage_events.idempotency_key
    )
    select case when p_return_keys then array_agg(idempotency_key) end, count(*) into v_keys, v_stored from inserted;
  exception when unique_violation then
    with inserted as (
      insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
      select (r ->> 0)::uuid, (r ->> 1)::uuid, r ->> 2, (r ->> 3)::numeric, r -> 4, (r ->> 5)::timestamptz, r ->> 6
      from jsonb_array_elements(p_rows) as r
      on conflict (idempotency_key) do nothing
      returning usage_events.idempotency_key
    )
    select case when p_return_keys then array_agg(idempotency_key) end, count(*) into v_keys, v_stored from inserted;
  end;
  perform private.count_ingestion(case when p_source = 'api' then 'api' else 'queue' end, jsonb_array_length(p_rows), v_stored);
  return query select unnest(v_keys);
end;
$$;

revoke execute on function public.ingest_usage_events(jsonb, boolean, text) from public, anon, authenticated;
grant execute on function public.ingest_usage_events(jsonb, boolean, text) to service_role;

------------------------------------------------------------------------------------------------
-- Spikes: organizations whose last full UTC day is at least 3x their trailing 7-day average for
-- a metric (counters only; the days before with some usage, so a first day is not a spike).
------------------------------------------------------------------------------------------------
create or replace function public.console_usage_spikes(p_day date, p_factor numeric default 3)
returns table (org_id uuid, metric_type text, day_total numeric, trailing_average numeric)
language sql
stable
set search_path = ''
as $$
  with days as (
    select date_trunc('day', r.at at time zone 'utc')::date as day, r.org_id, r.metric_type, sum(r.total_quantity) as total
    from private.usage_rows(null, null, (p_day - 7)::timestamp at time zone 'utc', (p_day + 1)::timestamp at time zone 'utc',
                            array(select m.metric from public.usage_metrics m where m.kind = 'counter'), 'day') r
    where r.org_id is not null
    group by 1, 2, 3
  ),
  per_org as (
    select d.org_id, d.metric_type,
           coalesce(sum(d.total) filter (where d.day = p_day), 0) as day_total,
           coalesce(sum(d.total) filter (where d.day < p_day), 0) / 7.0 as trailing_average
    from days d
    group by d.org_id, d.metric_type
  )
  select p.org_id, p.metric_type, p.day_total, round(p.trailing_average, 2)
  from per_org p
  where p.trailing_average > 0 and p.day_total >= p_factor * p.trailing_average
  order by p.day_total / p.trailing_average desc;
$$;

revoke execute on function public.console_usage_spikes(date, numeric) from public, anon, authenticated;
grant execute on function public.console_usage_spikes(date, numeric) to service_role;

------------------------------------------------------------------------------------------------
-- Reconciliation: metered usage against what it stands for, per organization and UTC month
-- since p_since (storage: now).
--   record_created     existing records of the month without their record_created event
--                      (a record deleted since is not counted against its event)
--   automation_run     automation_runs rows vs automation_run events
--   schedule_executed  scheduled runs vs schedule_executed events
--   storage_used       bytes in the record-files bucket vs the storage gauge
-- Returns every check with its numbers; `difference` is 0 when they agree.
------------------------------------------------------------------------------------------------
create or replace function public.console_reconciliation(p_since timestamptz)
returns table (org_id uuid, month date, check_name text, expected numeric, actual numeric, difference numeric)
language sql
stable
security definer
set search_path = ''
set max_parallel_workers_per_gather = 0
as $$
  with records as (
    select r.org_id, date_trunc('month', r.created_at at time zone 'utc')::date as month,
           count(*) as existing,
           count(*) filter (where not exists (
             select 1 from public.usage_events e where e.idempotency_key = 'record_created:' || r.id
           )) as unmetered
    from public.records r
    where r.created_at >= p_since
    group by 1, 2
  ),
  runs as (
    select ar.org_id, date_trunc('month', ar.started_at at time zone 'utc')::date as month,
           count(*) as runs,
           count(*) filter (where ar.trigger = 'schedule') as scheduled
    from public.automation_runs ar
    where ar.started_at >= p_since
    group by 1, 2
  ),
  run_events as (
    select r.org_id, date_trunc('month', r.at at time zone 'utc')::date as month, r.metric_type, sum(r.total_quantity) as total
    from private.usage_rows(null, null, p_since, now() + interval '1 day',
                            array['automation_run', 'schedule_executed'], 'month') r
    where r.org_id is not null
    group by 1, 2, 3
  ),
  held as (
    select private.try_uuid(split_part(o.name, '/', 1)) as org_id, sum(private.object_size(o.metadata)) as bytes
    from storage.objects o
    where o.bucket_id = 'record-files'
    group by 1
  ),
  gauge as (
    select r.org_id, sum(r.total_quantity) as bytes
    from private.usage_rows(null, null, '2000-01-01 00:00:00+00', now() + interval '1 day', array['storage_used']) r
    where r.org_id is not null
    group by 1
  ),
  run_checks as (
    select coalesce(ru.org_id, ev.org_id) as org_id, coalesce(ru.month, ev.month) as month, ev.metric_type,
           ru.runs, ru.scheduled, ev.total
    from runs ru
    full join run_events ev on ev.org_id = ru.org_id and ev.month = ru.month
  )
  select rc.org_id, rc.month, 'record_created', rc.existing::numeric, (rc.existing - rc.unmetered)::numeric, rc.unmetered::numeric
  from records rc
  union all
  select x.org_id, x.month, 'automation_run', coalesce(max(x.runs), 0)::numeric,
         coalesce(sum(x.total) filter (where x.metric_type = 'automation_run'), 0),
         coalesce(max(x.runs), 0) - coalesce(sum(x.total) filter (where x.metric_type = 'automation_run'), 0)
  from run_checks x
  group by x.org_id, x.month
  union all
  select x.org_id, x.month, 'schedule_executed', coalesce(max(x.scheduled), 0)::numeric,
         coalesce(sum(x.total) filter (where x.metric_type = 'schedule_executed'), 0),
         coalesce(max(x.scheduled), 0) - coalesce(sum(x.total) filter (where x.metric_type = 'schedule_executed'), 0)
  from run_checks x
  group by x.org_id, x.month
  union all
  select coalesce(h.org_id, g.org_id), date_trunc('month', now() at time zone 'utc')::date, 'storage_used',
         coalesce(h.bytes, 0), coalesce(g.bytes, 0), coalesce(h.bytes, 0) - coalesce(g.bytes, 0)
  from held h
  full join gauge g on g.org_id = h.org_id
  where coalesce(h.org_id, g.org_id) is not null;
$$;

revoke execute on function public.console_reconciliation(timestamptz) from public, anon, authenticated;
grant execute on function public.console_reconciliation(timestamptz) to service_role;

------------------------------------------------------------------------------------------------
-- Platform counts for the console: people, organizations, subscriptions by plan, monthly
-- recurring revenue from plan prices, and sign-ups per UTC day in [p_start, p_end).
------------------------------------------------------------------------------------------------
create or replace function public.console_platform_counts(p_start timestamptz, p_end timestamptz)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object(
    'users', (select count(*) from public.profiles),
    'organizations', (select count(*) from public.organizations where not is_personal),
    'personal_organizations', (select count(*) from public.organizations where is_personal),
    'subscriptions', coalesce((
      select jsonb_agg(jsonb_build_object('plan', p.id, 'name', p.name, 'count', s.n, 'mrr_cents', s.paying * p.price_cents)
                       order by p.sort_order)
      from public.plans p
      join (select plan_id, count(*) as n, count(*) filter (where status = 'active') as paying
            from public.org_subscriptions
            where status in ('active', 'trialing') group by plan_id) s on s.plan_id = p.id
    ), '[]'),
    'mrr_cents', coalesce((
      select sum(p.price_cents) from public.org_subscriptions s join public.plans p on p.id = s.plan_id
      where s.status = 'active'
    ), 0),
    'signups', coalesce((
      select jsonb_agg(jsonb_build_object('day', d.day, 'count', d.n) order by d.day)
      from (select (created_at at time zone 'utc')::date as day, count(*) as n from public.profiles
            where created_at >= p_start and created_at < p_end group by 1) d
    ), '[]')
  );
$$;

revoke execute on function public.console_platform_counts(timestamptz, timestamptz) from public, anon, authenticated;
grant execute on function public.console_platform_counts(timestamptz, timestamptz) to service_role;
