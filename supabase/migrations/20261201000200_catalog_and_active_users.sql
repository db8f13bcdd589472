-- One metric catalog, active users per organization, and roll-ups that cannot silently disagree
-- with raw events.
--
-- Sections: limit keys that say what they count · plans checked against the catalog ·
--           user_active keyed per organization · changed or deleted events re-roll their days ·
--           an index nothing reads
--
-- packages/usage/src/catalog.ts is the source of truth; tests/integration/catalog.test.ts compares
-- this database with it (event types, kinds, units, limit keys, which metrics are external, and the
-- plans' limits).

------------------------------------------------------------------------------------------------
-- Limit keys: the per-billing-period counters are named so.
------------------------------------------------------------------------------------------------
update public.usage_metrics set limit_key = 'max_records_per_month' where metric = 'record_created';
update public.usage_metrics set limit_key = 'max_automation_runs_per_month' where metric = 'automation_run';

alter table public.plans drop constraint plans_limits_keys;

update public.plans
set limits = (limits - 'max_records' - 'max_automations')
  || jsonb_build_object('max_records_per_month', limits -> 'max_records',
                        'max_automation_runs_per_month', limits -> 'max_automations')
where limits ? 'max_records' and limits ? 'max_automations';

------------------------------------------------------------------------------------------------
-- A plan's limits name exactly the catalog's limit keys, each a non-negative number or null
-- (unlimited). Checked against usage_metrics, so the catalog table is the one list in the database.
------------------------------------------------------------------------------------------------
create or replace function private.check_plan_limits()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_missing text;
  v_unknown text;
  v_bad text;
begin
  if jsonb_typeof(new.limits) is distinct from 'object' then
    raise exception 'Plan limits must be a JSON object' using errcode = '23514';
  end if;
  select string_agg(m.limit_key, ', ' order by m.sort_order) into v_missing
  from public.usage_metrics m where not new.limits ? m.limit_key;
  select string_agg(k, ', ' order by k) into v_unknown
  from jsonb_object_keys(new.limits) as k where k not in (select m.limit_key from public.usage_metrics m);
  select string_agg(k, ', ' order by k) into v_bad
  from jsonb_each(new.limits) as e(k, v)
  where not (jsonb_typeof(v) = 'null' or (jsonb_typeof(v) = 'number' and (v #>> '{}')::numeric >= 0));
  if v_missing is not null or v_unknown is not null or v_bad is not null then
    raise exception 'Plan % limits do not match the metric catalog', new.id
      using errcode = '23514',
            detail = concat_ws('; ',
              'missing: ' || v_missing, 'unknown: ' || v_unknown, 'not a non-negative number or null: ' || v_bad);
  end if;
  return new;
end;
$$;

create trigger plans_check_limits
  before insert or update of limits on public.plans
  for each row execute function private.check_plan_limits();

------------------------------------------------------------------------------------------------
-- user_active: one event per user, organization and UTC day, so a member who worked only in their
-- second organization today counts there too. Existing keys get their organization.
------------------------------------------------------------------------------------------------
update public.usage_events
set idempotency_key = 'user_active:' || user_id || ':' || coalesce(org_id::text, 'none') || ':'
                      || split_part(idempotency_key, ':', 3)
where event_type = 'user_active'
  and idempotency_key ~ '^user_active:[0-9a-f-]{36}:\d{4}-\d{2}-\d{2}$';

------------------------------------------------------------------------------------------------
-- Changed or deleted events: their closed days are marked late and rolled up again by the next
-- cron run (until then, readers take those days from raw events). Statement-level, like the insert
-- trigger; an update marks only rows whose counted fields changed (adding a response status to
-- event_data does not).
------------------------------------------------------------------------------------------------
create or replace function private.mark_changed_usage_days()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' then
    insert into public.usage_dirty_days (day)
    select distinct (o.created_at at time zone 'utc')::date
    from old_rows o
    where o.created_at < date_trunc('day', clock_timestamp() at time zone 'utc') at time zone 'utc'
    on conflict (day) do nothing;
  else
    insert into public.usage_dirty_days (day)
    select distinct (r.created_at at time zone 'utc')::date
    from (
      select o.created_at from old_rows o join new_rows n on n.id = o.id
      where (o.created_at, o.org_id, o.user_id, o.event_type, o.quantity)
            is distinct from (n.created_at, n.org_id, n.user_id, n.event_type, n.quantity)
      union
      select n.created_at from old_rows o join new_rows n on n.id = o.id
      where (o.created_at, o.org_id, o.user_id, o.event_type, o.quantity)
            is distinct from (n.created_at, n.org_id, n.user_id, n.event_type, n.quantity)
    ) r
    where r.created_at < date_trunc('day', clock_timestamp() at time zone 'utc') at time zone 'utc'
    on conflict (day) do nothing;
  end if;
  return null;
end;
$$;

revoke execute on function private.mark_changed_usage_days() from public, anon, authenticated;

create trigger usage_events_mark_deleted_days
  after delete on public.usage_events
  referencing old table as old_rows
  for each statement execute function private.mark_changed_usage_days();

create trigger usage_events_mark_updated_days
  after update on public.usage_events
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.mark_changed_usage_days();

------------------------------------------------------------------------------------------------
-- Nothing reads usage_events by received_at; the BRIN index only cost every insert.
------------------------------------------------------------------------------------------------
drop index public.usage_events_received_brin;
