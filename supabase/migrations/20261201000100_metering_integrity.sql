-- Metering integrity: whatever is metered is metered by the database in the write's own
-- transaction, whichever way the write is made (the app, the v1 API, a user's token sent straight
-- to PostgREST or Storage), and hard limits are checked and counted atomically.
--
-- Sections: metric catalog · billing period and limits · reading usage per scope · the limit gate ·
--           records · automation runs · storage objects and record files · AI requests ·
--           API calls · ownership and column privileges · usage_totals
--
-- How a hard limit holds under concurrency: every gated write calls private.enforce_usage_limit,
-- which takes a transaction-scoped advisory lock for (organization, metric), reads the usage with a
-- fresh snapshot, refuses with SQLSTATE PT402 (PostgREST answers HTTP 402) when the write would pass
-- the plan's limit, and otherwise returns; the same transaction then writes the usage event and
-- commits, releasing the lock. The next writer of that metric in that organization waits for the
-- lock and sees the event. Limits read from roll-ups plus the organization's own raw events since
-- the watermark, so their cost does not grow with the history stored.

------------------------------------------------------------------------------------------------
-- Metric catalog: one row per event type, mirroring packages/usage/src/catalog.ts (a test compares
-- them). `external` says whether other services may report the metric through
-- POST /api/v1/usage/events; everything else is recorded only by the app and this database.
------------------------------------------------------------------------------------------------
create table public.usage_metrics (
  metric text primary key,
  label text not null,
  unit text not null,
  kind text not null check (kind in ('counter', 'gauge', 'unique')),
  limit_key text not null unique,
  external boolean not null default false,
  sort_order integer not null
);

insert into public.usage_metrics (metric, label, unit, kind, limit_key, external, sort_order) values
  ('record_created', 'Records created', 'records', 'counter', 'max_records', false, 1),
  ('api_call', 'API calls', 'calls', 'counter', 'max_api_calls_per_month', false, 2),
  ('automation_run', 'Automation runs', 'runs', 'counter', 'max_automations', false, 3),
  ('storage_used', 'Storage', 'bytes', 'gauge', 'max_storage_gb', false, 4),
  ('schedule_executed', 'Schedule executions', 'executions', 'counter', 'max_schedule_runs_per_month', false, 5),
  ('ai_tokens_used', 'AI tokens', 'tokens', 'counter', 'max_ai_tokens_per_month', true, 6),
  ('user_active', 'Active users', 'users', 'unique', 'max_active_users', false, 7);

alter table public.usage_metrics enable row level security;
create policy usage_metrics_select on public.usage_metrics for select to authenticated using (true);
revoke all on public.usage_metrics from anon;
revoke insert, update, delete, truncate on public.usage_metrics from authenticated;

------------------------------------------------------------------------------------------------
-- Billing period and limits
------------------------------------------------------------------------------------------------

-- The organization's plan and the billing period containing p_at: the subscription's current
-- period, else the UTC calendar month (no subscription, or a canceled one, means the free plan).
-- Mirrors getOrgPlan() and billingRange() in the app.
create or replace function private.org_billing(p_org_id uuid, p_at timestamptz)
returns table (plan_id text, plan_name text, limits jsonb, period_start timestamptz, period_end timestamptz)
language sql
stable
security definer
set search_path = ''
as $$
  with sub as (
    select s.plan_id, s.current_period_start, s.current_period_end
    from public.org_subscriptions s
    where s.org_id = p_org_id and s.status <> 'canceled'
  ),
  month as (
    select date_trunc('month', p_at at time zone 'utc') as m
  )
  select p.id, p.name, p.limits,
         case when sub.current_period_start <= p_at and p_at < sub.current_period_end
              then sub.current_period_start else month.m at time zone 'utc' end,
         case when sub.current_period_start <= p_at and p_at < sub.current_period_end
              then sub.current_period_end else (month.m + interval '1 month') at time zone 'utc' end
  from month
  left join sub on true
  join public.plans p on p.id = coalesce(sub.plan_id, 'free');
$$;

-- A plan's limit for a metric in the metric's own unit (storage limits are set in GB and compared
-- with bytes); null means unlimited.
create or replace function private.plan_limit(p_limits jsonb, p_metric text)
returns numeric
language sql
stable
set search_path = ''
as $$
  select case when jsonb_typeof(p_limits -> m.limit_key) = 'number'
              then (p_limits ->> m.limit_key)::numeric
                   * case when m.metric = 'storage_used' then 1073741824 else 1 end
         end
  from public.usage_metrics m
  where m.metric = p_metric;
$$;

------------------------------------------------------------------------------------------------
-- Reading usage per scope. The watermark, late days and clean months are worked out first; the
-- rows then come from one statement built for the scope at hand (an organization, a user, both or
-- the whole platform), so each branch has plain `org_id = $1 and created_at >= $x` predicates that
-- the planner answers from the (org_id, created_at) and (user_id, created_at) indexes. A generic
-- `p_org_id is null or ...` predicate, as before, made it scan every raw event ever stored.
-- STABLE: every statement inside reads the caller's one snapshot, so a concurrent aggregation run
-- is seen either entirely or not at all.
------------------------------------------------------------------------------------------------
create or replace function private.usage_rows(
  p_org_id uuid,
  p_user_id uuid,
  p_start timestamptz,
  p_end timestamptz,
  p_metrics text[]
)
returns table (metric_type text, user_id uuid, total_quantity numeric, event_count bigint)
language plpgsql
stable
set search_path = ''
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
    select a.metric_type, a.user_id, a.total_quantity, a.event_count
    from public.usage_aggregations a
    where a.period_type = 'monthly' and a.period_start >= $4 and a.period_start < $5
      and a.period_start <> all ($6) and a.metric_type = any ($3) and %1$s
    union all
    select a.metric_type, a.user_id, a.total_quantity, a.event_count
    from public.usage_aggregations a
    where a.period_type = 'daily' and a.period_start >= $8 and a.period_start < least($4, $9)
      and a.period_start <> all ($7) and a.metric_type = any ($3) and %1$s
    union all
    select a.metric_type, a.user_id, a.total_quantity, a.event_count
    from public.usage_aggregations a
    where a.period_type = 'daily' and a.period_start >= greatest($5, $8) and a.period_start < $9
      and a.period_start <> all ($7) and a.metric_type = any ($3) and %1$s
    union all
    select a.metric_type, a.user_id, a.total_quantity, a.event_count
    from unnest($6) as m(month_start)
    join public.usage_aggregations a
      on a.period_type = 'daily' and a.period_start >= m.month_start
     and a.period_start < (m.month_start at time zone 'utc' + interval '1 month') at time zone 'utc'
    where a.period_start <> all ($7) and a.metric_type = any ($3) and %1$s
    union all
    select e.event_type, e.user_id, e.quantity, 1::bigint
    from public.usage_events e
    where e.created_at >= $10 and e.created_at < least($8, $11) and e.event_type = any ($3) and %2$s
    union all
    select e.event_type, e.user_id, e.quantity, 1::bigint
    from public.usage_events e
    where e.created_at >= $9 and e.created_at < $11 and e.event_type = any ($3) and %2$s
    union all
    select e.event_type, e.user_id, e.quantity, 1::bigint
    from unnest($7) as l(day_start)
    join public.usage_events e on e.created_at >= l.day_start and e.created_at < l.day_start + interval '24 hours'
    where e.event_type = any ($3) and %2$s
  $sql$, v_agg_scope, replace(v_agg_scope, 'a.', 'e.'))
  using p_org_id, p_user_id, p_metrics, v_month_from, v_month_to, v_skip_months, v_late,
        v_roll_start, v_closed_end, p_start, p_end;
end;
$$;

-- One metric's total for an organization in [p_start, p_end): counters sum, unique metrics count
-- distinct users, the gauge is every delta before p_end.
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
    select sum(r.total_quantity) into v_total
    from private.usage_rows(p_org_id, null, '2000-01-01 00:00:00+00', p_end, array[p_metric]) r;
  else
    select sum(r.total_quantity) into v_total
    from private.usage_rows(p_org_id, null, p_start, p_end, array[p_metric]) r;
  end if;
  return coalesce(v_total, 0);
end;
$$;

------------------------------------------------------------------------------------------------
-- The limit gate
------------------------------------------------------------------------------------------------

-- Where an organization stands against its plan's limit for a metric, without locking: for
-- pre-checks (before calling an AI provider, before handing out an upload URL) and dashboards.
create or replace function private.usage_limit_status(p_org_id uuid, p_metric text, p_adding numeric default 0)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_billing record;
  v_limit numeric;
  v_used numeric;
  v_metric public.usage_metrics;
begin
  select * into v_metric from public.usage_metrics m where m.metric = p_metric;
  if v_metric.metric is null then
    raise exception 'unknown metric %', p_metric using errcode = '22023';
  end if;
  select * into v_billing from private.org_billing(p_org_id, now());
  v_limit := private.plan_limit(v_billing.limits, p_metric);
  v_used := private.metric_total(p_org_id, p_metric, v_billing.period_start, v_billing.period_end);
  return jsonb_build_object(
    'metric', p_metric,
    'label', v_metric.label,
    'unit', v_metric.unit,
    'limit_key', v_metric.limit_key,
    'limit', v_limit,
    'used', v_used,
    'adding', coalesce(p_adding, 0),
    'exceeded', v_limit is not null and (v_used >= v_limit or (coalesce(p_adding, 0) > 0 and v_used + p_adding > v_limit)),
    'plan', v_billing.plan_id,
    'plan_name', v_billing.plan_name,
    'period_start', v_billing.period_start,
    'period_end', v_billing.period_end
  );
end;
$$;

-- The transaction-scoped lock that serializes check + count for one metric of one organization.
create or replace function private.lock_usage_metric(p_org_id uuid, p_metric text)
returns void
language sql
volatile
set search_path = ''
as $$
  select pg_advisory_xact_lock(hashtextextended('usage_limit:' || p_org_id::text || ':' || p_metric, 0));
$$;

-- An amount in a metric's unit, for messages: '1,000 calls', '1024 MB'.
create or replace function private.describe_amount(p_metric text, p_value numeric)
returns text
language sql
stable
set search_path = ''
as $$
  select case when m.metric = 'storage_used' then pg_catalog.pg_size_pretty(p_value)
              else btrim(to_char(p_value, 'FM999G999G999G999G990')) || ' ' || m.unit end
  from public.usage_metrics m
  where m.metric = p_metric;
$$;

-- Refuses (SQLSTATE PT402, which PostgREST answers with HTTP 402) a write that would take the
-- organization past its plan's limit for the metric; otherwise returns holding the metric's lock
-- until the transaction ends, so the caller's own usage event is counted before anyone else
-- checks. `p_adding` is what the write adds (1 record, N bytes); at 0 the write is refused once
-- the usage has reached the limit.
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
end;
$$;

revoke execute on function private.org_billing(uuid, timestamptz) from public, anon, authenticated;
revoke execute on function private.usage_limit_status(uuid, text, numeric) from public, anon, authenticated;
revoke execute on function private.enforce_usage_limit(uuid, text, numeric) from public, anon, authenticated;
revoke execute on function private.lock_usage_metric(uuid, text) from public, anon, authenticated;
revoke execute on function private.metric_total(uuid, text, timestamptz, timestamptz) from public, anon;
grant execute on function private.org_billing(uuid, timestamptz) to service_role;
grant execute on function private.usage_limit_status(uuid, text, numeric) to service_role;
grant execute on function private.enforce_usage_limit(uuid, text, numeric) to service_role;
grant execute on function private.lock_usage_metric(uuid, text) to service_role;
grant execute on function private.metric_total(uuid, text, timestamptz, timestamptz) to authenticated, service_role;
grant execute on function private.plan_limit(jsonb, text) to authenticated, service_role;

-- For the app (service role): the non-locking status, as JSON.
create or replace function public.check_usage_limit(p_org_id uuid, p_metric text, p_adding numeric default 0)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select private.usage_limit_status(p_org_id, p_metric, p_adding);
$$;

revoke execute on function public.check_usage_limit(uuid, text, numeric) from public, anon, authenticated;
grant execute on function public.check_usage_limit(uuid, text, numeric) to service_role;

-- The member an event is attributed to when the write names nobody: the organization's first owner.
create or replace function private.org_owner(p_org_id uuid)
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select m.user_id from public.memberships m
  where m.org_id = p_org_id and m.role = 'owner'
  order by m.created_at, m.user_id
  limit 1;
$$;

revoke execute on function private.org_owner(uuid) from public, anon, authenticated;
grant execute on function private.org_owner(uuid) to service_role;

-- Records the usage event of a write made in this transaction, once per idempotency key (the keys
-- the app has always used, so an event the app already sent is not counted twice).
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
  )
  on conflict (idempotency_key) do nothing;
$$;

revoke execute on function private.record_usage_event(uuid, uuid, text, numeric, jsonb, timestamptz, text) from public, anon, authenticated;
grant execute on function private.record_usage_event(uuid, uuid, text, numeric, jsonb, timestamptz, text) to service_role;

-- Where a write came from, for event_data: the app's clients say so in a request header that
-- PostgREST passes on; anything else (a token used straight against the API, SQL) is 'direct'.
create or replace function private.request_source()
returns text
language sql
stable
set search_path = ''
as $$
  select coalesce(
    (select s from (select nullif(current_setting('request.headers', true), '')::json ->> 'x-meterline-source') as h(s)
     where s in ('app', 'api')),
    'direct'
  );
$$;

------------------------------------------------------------------------------------------------
-- Records: every insert, whoever makes it, passes the record limit and records record_created.
------------------------------------------------------------------------------------------------
create or replace function private.meter_record_insert()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- Row-level security is checked after BEFORE triggers: a user's insert is authorized here first,
  -- so that nobody takes another organization's lock or learns its usage from a refusal.
  if (select auth.role()) = 'authenticated'
     and (private.org_role(new.org_id) is null or new.created_by is distinct from (select auth.uid())) then
    raise exception 'new row violates row-level security policy for table "records"' using errcode = '42501';
  end if;
  perform private.enforce_usage_limit(new.org_id, 'record_created', 1);
  perform private.record_usage_event(
    coalesce(new.created_by, (select auth.uid())), new.org_id, 'record_created', 1,
    jsonb_build_object('record_id', new.id, 'source', private.request_source()),
    new.created_at, 'record_created:' || new.id
  );
  return new;
end;
$$;

revoke execute on function private.meter_record_insert() from public, anon, authenticated;

-- BEFORE, so that each row of a multi-row insert sees the events of the rows before it.
create trigger records_meter_insert
  before insert on public.records
  for each row execute function private.meter_record_insert();

------------------------------------------------------------------------------------------------
-- Automation runs: run_automation checks the run limits (and, for scheduled runs, the schedule
-- limit) and records automation_run / schedule_executed in the run's own transaction.
------------------------------------------------------------------------------------------------
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
  v_actor uuid;
begin
  select * into v_automation from public.automations where id = p_automation_id;
  if not found then
    raise exception 'Automation % not found', p_automation_id using errcode = 'P0002';
  end if;
  v_actor := coalesce(p_actor, v_automation.created_by, private.org_owner(v_automation.org_id));

  -- Locks in a fixed order (automation_run before schedule_executed), so two runs never deadlock.
  perform private.enforce_usage_limit(v_automation.org_id, 'automation_run', 1);
  if p_trigger = 'schedule' then
    perform private.enforce_usage_limit(v_automation.org_id, 'schedule_executed', 1);
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
    v_automation.id, v_automation.org_id, v_actor, p_trigger, p_schedule_id, 'succeeded',
    v_matched, v_changed, v_started, clock_timestamp(),
    extract(epoch from clock_timestamp() - v_started) * 1000
  )
  returning * into v_run;

  perform private.record_usage_event(
    v_actor, v_automation.org_id, 'automation_run', 1,
    jsonb_build_object('automation_id', v_automation.id, 'run_id', v_run.id, 'trigger', p_trigger),
    v_run.started_at, 'automation_run:' || v_run.id
  );
  if p_trigger = 'schedule' then
    perform private.record_usage_event(
      v_actor, v_automation.org_id, 'schedule_executed', 1,
      jsonb_build_object('schedule_id', p_schedule_id, 'automation_id', v_automation.id, 'run_id', v_run.id),
      v_run.started_at, 'schedule_executed:' || v_run.id
    );
  end if;

  return v_run;
end;
$$;

------------------------------------------------------------------------------------------------
-- Storage: the storage_used gauge follows the bytes Storage holds. Triggers on storage.objects
-- (bucket record-files) check the storage limit with the object's real size, record +size on
-- upload, -size on delete and the difference on replace, keyed by the object's row id, and keep
-- public.record_files a projection of the bucket: one row per object, written here only.
-- Objects live under <org id>/<record id>/<file id>-<name>.
------------------------------------------------------------------------------------------------

-- The parts of a record file's object name, or nulls when it is not one.
create or replace function private.record_file_path(p_name text)
returns table (org_id uuid, record_id uuid, file_id uuid, file_name text)
language sql
immutable
set search_path = ''
as $$
  select private.try_uuid(p[1]), private.try_uuid(p[2]), private.try_uuid(left(p[3], 36)),
         nullif(substr(p[3], 38), '')
  from (select string_to_array(p_name, '/') as p) s
  where cardinality(p) = 3 and substr(p[3], 37, 1) = '-';
$$;

-- Upload policy: a member may put an object at <org>/<record>/<file id>-<name> for a record of an
-- organization they belong to.
create or replace function private.can_upload_record_file(p_name text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from private.record_file_path(p_name) f
    join public.records r on r.id = f.record_id and r.org_id = f.org_id
    where f.file_id is not null and f.file_name is not null
      and private.org_role(f.org_id) is not null
  );
$$;

-- Delete policy: the uploader, the record's author, and the organization's owners and admins.
create or replace function private.can_delete_record_file(p_name text, p_owner_id text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from private.record_file_path(p_name) f
    left join public.records r on r.id = f.record_id and r.org_id = f.org_id
    where private.org_role(f.org_id) in ('owner', 'admin')
       or (private.org_role(f.org_id) is not null
           and (p_owner_id = (select auth.uid())::text or r.created_by = (select auth.uid())))
  );
$$;

revoke execute on function private.can_upload_record_file(text) from public, anon;
revoke execute on function private.can_delete_record_file(text, text) from public, anon;
grant execute on function private.can_upload_record_file(text) to authenticated, service_role;
grant execute on function private.can_delete_record_file(text, text) to authenticated, service_role;
grant execute on function private.record_file_path(text) to authenticated, service_role;

create or replace function private.object_size(p_metadata jsonb)
returns bigint
language sql
immutable
set search_path = ''
as $$
  select case when jsonb_typeof(p_metadata -> 'size') = 'number' then (p_metadata ->> 'size')::bigint else 0 end;
$$;

-- BEFORE INSERT/UPDATE: the object's name must be a record file's, it may not move, and its growth
-- must fit the storage limit.
create or replace function private.gate_record_file_object()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_path record;
  v_delta bigint;
begin
  if tg_op = 'UPDATE' and (old.bucket_id is distinct from new.bucket_id or old.name is distinct from new.name) then
    if old.bucket_id = 'record-files' or new.bucket_id = 'record-files' then
      raise exception 'Record files cannot be moved or renamed; upload a new file instead'
        using errcode = '42501';
    end if;
    return new;
  end if;

  select * into v_path from private.record_file_path(new.name);
  if v_path.org_id is null or v_path.record_id is null or v_path.file_id is null or v_path.file_name is null then
    raise exception 'Record files are stored as <organization id>/<record id>/<file id>-<name>, not %', new.name
      using errcode = '22023';
  end if;
  -- Row-level security is checked after BEFORE triggers: authorize a user's own write first (see
  -- meter_record_insert). Signed uploads are written by Storage itself, as the service role.
  if tg_op = 'INSERT' and (select auth.role()) = 'authenticated' and not private.can_upload_record_file(new.name) then
    raise exception 'new row violates row-level security policy for table "objects"' using errcode = '42501';
  end if;

  v_delta := private.object_size(new.metadata)
             - case when tg_op = 'UPDATE' then private.object_size(old.metadata) else 0 end;
  if v_delta >= 0 then
    perform private.enforce_usage_limit(v_path.org_id, 'storage_used', v_delta);
  end if;
  return new;
end;
$$;

-- AFTER INSERT/UPDATE/DELETE: the usage event and the record_files row.
create or replace function private.meter_record_file_object()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_path record;
  v_size bigint;
  v_delta bigint;
  v_user uuid;
begin
  if tg_op = 'DELETE' then
    select * into v_path from private.record_file_path(old.name);
    if v_path.org_id is null then
      return old;
    end if;
    v_size := private.object_size(old.metadata);
    delete from public.record_files where storage_path = old.name;
    if v_size <> 0 then
      perform private.record_usage_event(
        coalesce((select auth.uid()), private.try_uuid(old.owner_id), old.owner), v_path.org_id, 'storage_used', -v_size,
        jsonb_build_object('file_id', v_path.file_id, 'record_id', v_path.record_id, 'object_id', old.id, 'operation', 'delete'),
        now(), 'storage_used:delete:' || old.id
      );
    end if;
    return old;
  end if;

  select * into v_path from private.record_file_path(new.name);
  v_size := private.object_size(new.metadata);
  v_user := coalesce(private.try_uuid(new.owner_id), new.owner, (select auth.uid()));

  if tg_op = 'INSERT' then
    insert into public.record_files (
      id, org_id, record_id, uploaded_by, storage_path, file_name, content_type, size_bytes, created_at
    )
    values (
      v_path.file_id, v_path.org_id, v_path.record_id, v_user, new.name,
      left(coalesce(nullif(btrim(new.user_metadata ->> 'file_name'), ''), v_path.file_name), 255),
      coalesce(new.metadata ->> 'mimetype', 'application/octet-stream'), v_size, coalesce(new.created_at, now())
    );
    if v_size <> 0 then
      perform private.record_usage_event(
        v_user, v_path.org_id, 'storage_used', v_size,
        jsonb_build_object('file_id', v_path.file_id, 'record_id', v_path.record_id, 'object_id', new.id, 'operation', 'upload'),
        coalesce(new.created_at, now()), 'storage_used:upload:' || new.id
      );
    end if;
  else
    v_delta := v_size - private.object_size(old.metadata);
    if v_delta <> 0 or new.metadata ->> 'mimetype' is distinct from old.metadata ->> 'mimetype' then
      update public.record_files
      set size_bytes = v_size, content_type = coalesce(new.metadata ->> 'mimetype', content_type)
      where storage_path = new.name;
    end if;
    if v_delta <> 0 then
      perform private.record_usage_event(
        coalesce((select auth.uid()), v_user), v_path.org_id, 'storage_used', v_delta,
        jsonb_build_object('file_id', v_path.file_id, 'record_id', v_path.record_id, 'object_id', new.id, 'operation', 'replace'),
        now(), 'storage_used:replace:' || new.id || ':' || coalesce(new.version, md5(new.metadata::text))
      );
    end if;
  end if;
  return new;
end;
$$;

revoke execute on function private.gate_record_file_object() from public, anon, authenticated;
revoke execute on function private.meter_record_file_object() from public, anon, authenticated;

-- (A WHEN clause may name only NEW on insert and only OLD on delete, hence one trigger per event.)
create trigger record_files_gate_insert
  before insert on storage.objects
  for each row when (new.bucket_id = 'record-files')
  execute function private.gate_record_file_object();
create trigger record_files_gate_update
  before update on storage.objects
  for each row when (new.bucket_id = 'record-files' or old.bucket_id = 'record-files')
  execute function private.gate_record_file_object();
create trigger record_files_meter_insert
  after insert on storage.objects
  for each row when (new.bucket_id = 'record-files')
  execute function private.meter_record_file_object();
create trigger record_files_meter_update
  after update on storage.objects
  for each row when (new.bucket_id = 'record-files' or old.bucket_id = 'record-files')
  execute function private.meter_record_file_object();
create trigger record_files_meter_delete
  after delete on storage.objects
  for each row when (old.bucket_id = 'record-files')
  execute function private.meter_record_file_object();

-- Policies: uploads only to a record's folder; deletes by the uploader, the record's author,
-- owners and admins.
drop policy record_files_objects_insert on storage.objects;
create policy record_files_objects_insert on storage.objects
  for insert to authenticated
  with check (bucket_id = 'record-files' and private.can_upload_record_file(name));

drop policy record_files_objects_delete on storage.objects;
create policy record_files_objects_delete on storage.objects
  for delete to authenticated
  using (bucket_id = 'record-files' and private.can_delete_record_file(name, owner_id));

-- record_files is written only by the triggers above: no client writes, and a record that still
-- has files cannot be deleted (its objects would outlive it, stored and billed but unreachable).
drop policy record_files_insert on public.record_files;
drop policy record_files_delete on public.record_files;
revoke insert, update, delete, truncate on public.record_files from authenticated;
alter table public.record_files
  drop constraint record_files_record_id_org_id_fkey,
  add constraint record_files_record_id_org_id_fkey foreign key (record_id, org_id)
    references public.records (id, org_id);

-- Objects uploaded before this migration whose upload event is missing get one now, keyed as the
-- app keyed them (by file id), so the gauge starts from what Storage holds.
insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
select coalesce(f.uploaded_by, private.org_owner(f.org_id)), f.org_id, 'storage_used', private.object_size(o.metadata),
       jsonb_build_object('file_id', f.id, 'record_id', f.record_id, 'object_id', o.id, 'operation', 'upload'),
       f.created_at, 'storage_used:upload:' || f.id
from public.record_files f
join storage.objects o on o.bucket_id = 'record-files' and o.name = f.storage_path
where private.object_size(o.metadata) > 0
  and coalesce(f.uploaded_by, private.org_owner(f.org_id)) is not null
on conflict (idempotency_key) do nothing;

------------------------------------------------------------------------------------------------
-- AI requests: the tokens the provider reported are recorded with the request row.
------------------------------------------------------------------------------------------------
create or replace function private.meter_ai_request()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.total_tokens > 0 then
    perform private.record_usage_event(
      new.user_id, new.org_id, 'ai_tokens_used', new.total_tokens,
      jsonb_build_object('model', new.model, 'prompt_tokens', new.prompt_tokens,
                         'completion_tokens', new.completion_tokens, 'request_id', new.id),
      new.created_at, 'ai_tokens_used:' || new.id
    );
  end if;
  return null;
end;
$$;

revoke execute on function private.meter_ai_request() from public, anon, authenticated;

create trigger ai_requests_meter
  after insert on public.ai_requests
  for each row execute function private.meter_ai_request();

------------------------------------------------------------------------------------------------
-- API calls: admission and metering in one round trip. admit_api_call resolves the key by its
-- hash, refuses a call past the organization's API-call limit (PT402), records the api_call and
-- refreshes last_used_at (at most once a minute). Returns no row for an unknown key and a row with
-- revoked = true for a revoked one (neither is counted). The response status is added to the
-- event afterwards by record_api_call_statuses.
------------------------------------------------------------------------------------------------
create or replace function public.admit_api_call(p_key_hash text, p_request_id uuid, p_route text, p_method text)
returns table (key_id uuid, org_id uuid, user_id uuid, revoked boolean)
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_key public.api_keys;
begin
  select * into v_key from public.api_keys k where k.key_hash = p_key_hash;
  if not found then
    return;
  end if;
  if v_key.revoked_at is not null then
    return query select v_key.id, v_key.org_id, v_key.created_by, true;
    return;
  end if;

  perform private.enforce_usage_limit(v_key.org_id, 'api_call', 1);
  perform private.record_usage_event(
    v_key.created_by, v_key.org_id, 'api_call', 1,
    jsonb_build_object('route', left(p_route, 200), 'method', left(p_method, 10), 'key_id', v_key.id),
    now(), 'api_call:' || p_request_id
  );
  if v_key.last_used_at is null or v_key.last_used_at < now() - interval '1 minute' then
    update public.api_keys set last_used_at = now() where id = v_key.id;
  end if;
  return query select v_key.id, v_key.org_id, v_key.created_by, false;
end;
$$;

-- Adds the response status to admitted calls: rows are [idempotency key, status] pairs.
create or replace function public.record_api_call_statuses(p_rows jsonb)
returns void
language sql
volatile
set search_path = ''
as $$
  update public.usage_events e
  set event_data = e.event_data || jsonb_build_object('status', (r ->> 1)::integer)
  from jsonb_array_elements(p_rows) as r
  where e.idempotency_key = r ->> 0 and e.event_type = 'api_call';
$$;

revoke execute on function public.admit_api_call(text, uuid, text, text) from public, anon, authenticated;
revoke execute on function public.record_api_call_statuses(jsonb) from public, anon, authenticated;
grant execute on function public.admit_api_call(text, uuid, text, text) to service_role;
grant execute on function public.record_api_call_statuses(jsonb) to service_role;

------------------------------------------------------------------------------------------------
-- Ownership and column privileges: clients never change org_id or created_by, never choose ids or
-- timestamps that metering keys and periods depend on, never read key hashes, and a revoked key
-- stays revoked.
------------------------------------------------------------------------------------------------
revoke insert, update on public.records from authenticated;
grant insert (org_id, created_by, title, body, tags) on public.records to authenticated;
grant update (title, body, tags, archived) on public.records to authenticated;

revoke select, insert, update on public.api_keys from authenticated;
grant select (id, org_id, created_by, name, prefix, last_used_at, revoked_at, created_at) on public.api_keys to authenticated;
grant insert (org_id, created_by, name, prefix, key_hash) on public.api_keys to authenticated;
grant update (revoked_at) on public.api_keys to authenticated;

revoke insert, update on public.automations from authenticated;
grant insert (org_id, created_by, name, action, filter, params) on public.automations to authenticated;

-- Schedules are created and deleted by owners and admins; only the scheduler (service role)
-- moves them forward.
drop policy schedules_update on public.schedules;
revoke insert, update on public.schedules from authenticated;
grant insert (automation_id, org_id, created_by, cron, enabled, next_run_at) on public.schedules to authenticated;

create or replace function private.keep_api_key_revoked()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if old.revoked_at is not null and new.revoked_at is distinct from old.revoked_at then
    raise exception 'This API key was revoked on %; a revoked key stays revoked', old.revoked_at
      using errcode = '42501';
  end if;
  if new.org_id is distinct from old.org_id or new.created_by is distinct from old.created_by
     or new.key_hash is distinct from old.key_hash then
    raise exception 'An API key''s organization, creator and secret cannot change' using errcode = '42501';
  end if;
  return new;
end;
$$;

create trigger api_keys_keep_revoked
  before update on public.api_keys
  for each row execute function private.keep_api_key_revoked();

------------------------------------------------------------------------------------------------
-- usage_totals, rewritten on the per-scope reader above (same results, same signature).
------------------------------------------------------------------------------------------------
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
    select * from private.usage_rows(
      p_org_id, p_user_id, p_start, p_end,
      array(select m.metric from public.usage_metrics m where m.kind <> 'gauge')
    )
    union all
    select * from private.usage_rows(
      p_org_id, p_user_id, '2000-01-01 00:00:00+00', p_end,
      array(select m.metric from public.usage_metrics m where m.kind = 'gauge')
    )
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
