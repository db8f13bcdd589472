-- Usage out of the app: streamed exports (raw events and roll-ups) and the usage query API
-- (docs/architecture.md §5). The app authorizes first, then reads these with the service role.
--
-- Sections: raw events in keyset pages · per-bucket rows · export leases (a per-user limit on
--           concurrent exports)
--
-- Reads through private.usage_rows as 20261201000400_console.sql leaves it (with each row's org_id).

------------------------------------------------------------------------------------------------
-- Raw events in keyset pages, for exports: at most p_limit events after the cursor, oldest first,
-- as one JSON array of arrays (one value, so PostgREST's max-rows does not cut a page short):
--   [id, created_at, received_at, org_id, org name, user_id, display name, email, event_type,
--    quantity, event_data as JSON text]
-- Timestamps are microseconds since the epoch (exact: the last one, written back as ISO 8601 with
-- microseconds, is the next cursor).
--
-- One statement per scope, each a plain index range: an organization (and a member) on
-- (org_id, created_at), a user on (user_id, created_at). The cursor is a row comparison
-- (created_at, id) > (…), whose leading column bounds the index scan; ties on created_at are
-- sorted among themselves. The platform reads every organization in (org_id, created_at, id)
-- order on the (org_id, created_at) index (no index leads with created_at), then, with
-- p_null_org, the events without an organization.
------------------------------------------------------------------------------------------------
create or replace function public.usage_export_events(
  p_org_id uuid,
  p_user_id uuid,
  p_start timestamptz,
  p_end timestamptz,
  p_metrics text[],
  p_after_at timestamptz default null,
  p_after_id uuid default null,
  p_after_org uuid default null,
  p_null_org boolean default false,
  p_limit integer default 5000
)
returns json
language plpgsql
stable
set search_path = ''
set max_parallel_workers_per_gather = 0
as $$
declare
  -- $1 org, $2 user, $3 start, $4 end, $5 metrics, $6 after_at, $7 after_id, $8 after_org, $9 limit
  v_range constant text := 'e.created_at >= $3 and e.created_at < $4 and e.event_type = any ($5)';
  v_after constant text := '(e.created_at, e.id) > ($6, $7)';
  v_page_sql text;
  v_order text := 'e.created_at, e.id';
  v_page json;
begin
  if p_start is null or p_end is null or p_end <= p_start then
    raise exception 'the range [%, %) is empty', p_start, p_end using errcode = '22023';
  end if;
  if p_limit is null or p_limit < 1 or p_limit > 10000 then
    raise exception 'p_limit must be between 1 and 10000' using errcode = '22023';
  end if;
  if (p_after_at is null) <> (p_after_id is null) then
    raise exception 'a cursor needs both p_after_at and p_after_id' using errcode = '22023';
  end if;

  if p_org_id is not null or p_user_id is not null then
    v_page_sql := format('select e.* from public.usage_events e where %s and %s and %s order by e.created_at, e.id limit $9',
      concat_ws(' and ',
        case when p_org_id is not null then 'e.org_id = $1' end,
        case when p_user_id is not null then 'e.user_id = $2' end),
      v_range,
      case when p_after_at is null then 'true' else v_after end);
  elsif p_null_org then
    v_page_sql := format('select e.* from public.usage_events e where e.org_id is null and %s and %s order by e.created_at, e.id limit $9',
      v_range, case when p_after_at is null then 'true' else v_after end);
  elsif p_after_at is null then
    v_order := 'e.org_id, e.created_at, e.id';
    v_page_sql := format('select e.* from public.usage_events e where e.org_id is not null and %s order by %s limit $9',
      v_range, v_order);
  else
    if p_after_org is null then
      raise exception 'a platform cursor needs p_after_org' using errcode = '22023';
    end if;
    -- The rest of the cursor's organization, then the organizations after it: two index ranges
    -- (a three-column row comparison would not bound the scan).
    v_order := 'e.org_id, e.created_at, e.id';
    v_page_sql := format($sql$
      select e.* from (
        (select e.* from public.usage_events e where e.org_id = $8 and %1$s and %2$s
         order by e.created_at, e.id limit $9)
        union all
        (select e.* from public.usage_events e where e.org_id > $8 and %1$s
         order by e.org_id, e.created_at, e.id limit $9)
      ) e order by e.org_id, e.created_at, e.id limit $9
    $sql$, v_range, v_after);
  end if;

  execute format($sql$
    select coalesce(json_agg(json_build_array(
             e.id,
             -- Microseconds since the epoch: exact, and far cheaper to write than formatted text.
             (extract(epoch from e.created_at) * 1000000)::bigint,
             (extract(epoch from e.received_at) * 1000000)::bigint,
             e.org_id, o.name, e.user_id, p.display_name, p.email,
             e.event_type, e.quantity, e.event_data::text
           ) order by %2$s), '[]'::json)
    from (%1$s) e
    left join public.organizations o on o.id = e.org_id
    left join public.profiles p on p.id = e.user_id
  $sql$, v_page_sql, v_order)
  into v_page
  using p_org_id, p_user_id, p_start, p_end, p_metrics, p_after_at, p_after_id, p_after_org, p_limit;
  return v_page;
end;
$$;

revoke execute on function public.usage_export_events(uuid, uuid, timestamptz, timestamptz, text[], timestamptz, uuid, uuid, boolean, integer) from public, anon, authenticated;
grant execute on function public.usage_export_events(uuid, uuid, timestamptz, timestamptz, text[], timestamptz, uuid, uuid, boolean, integer) to service_role;

------------------------------------------------------------------------------------------------
-- Per-bucket rows for roll-up exports and the usage query API, exact like usage_series (the same
-- reader: roll-ups for closed periods, raw events for the rest) but kept apart per organization,
-- member and (p_dimension) the catalog's dimension: one JSON array of arrays
--   [bucket_start, org_id, org name, user_id, display name, email, dimension, metric, total, count]
-- Counters sum; a unique metric is 1 per member and bucket (distinct users = rows); the gauge is
-- its net change per bucket, plus (p_baseline) one row per organization and member with a null
-- bucket holding its level at p_start. Ordered by bucket, organization, member, metric, dimension.
------------------------------------------------------------------------------------------------
create or replace function public.usage_bucket_rows(
  p_org_id uuid,
  p_user_id uuid,
  p_start timestamptz,
  p_end timestamptz,
  p_bucket text,
  p_metrics text[],
  p_dimension boolean default false,
  p_baseline boolean default true
)
returns json
language plpgsql
stable
set search_path = ''
set max_parallel_workers_per_gather = 0
as $$
declare
  v_gauges text[];
  v_rows json;
begin
  if p_bucket is null or p_bucket not in ('day', 'month') then
    raise exception 'p_bucket must be day or month, not %', coalesce(p_bucket, 'null') using errcode = '22023';
  end if;
  if p_start is null or p_end is null or p_end <= p_start then
    raise exception 'the range [%, %) is empty', p_start, p_end using errcode = '22023';
  end if;
  if p_end - p_start > interval '800 days' then
    raise exception 'at most 800 days at a time' using errcode = '22023';
  end if;

  select coalesce(array_agg(m.metric), '{}') into v_gauges
  from public.usage_metrics m where m.kind = 'gauge' and m.metric = any (p_metrics);
  if not p_baseline then
    v_gauges := '{}';
  end if;

  with rows as (
    select date_trunc(p_bucket, r.at at time zone 'utc') at time zone 'utc' as bucket,
           r.org_id, r.user_id,
           case when p_dimension then r.dimension else '' end as dimension,
           r.metric_type,
           case when m.kind = 'unique' then 1::numeric else sum(r.total_quantity) end as total,
           sum(r.event_count)::bigint as events
    from private.usage_rows(p_org_id, p_user_id, p_start, p_end, p_metrics, p_bucket) r
    join public.usage_metrics m on m.metric = r.metric_type
    group by 1, r.org_id, r.user_id, 4, r.metric_type, m.kind
    union all
    select null::timestamptz, r.org_id, r.user_id, '', r.metric_type, sum(r.total_quantity), sum(r.event_count)::bigint
    -- Without gauges to carry, an empty range: the reader returns at once.
    from private.usage_rows(p_org_id, p_user_id, '2000-01-01 00:00:00+00',
                            case when cardinality(v_gauges) > 0 then p_start else '2000-01-01 00:00:00+00' end,
                            v_gauges) r
    group by r.org_id, r.user_id, r.metric_type
  )
  select coalesce(json_agg(json_build_array(
           to_char(r.bucket at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
           r.org_id, o.name, r.user_id, p.display_name, p.email, r.dimension, r.metric_type, r.total, r.events
         ) order by r.bucket nulls first, r.org_id, r.user_id, r.metric_type, r.dimension), '[]'::json)
  into v_rows
  from rows r
  left join public.organizations o on o.id = r.org_id
  left join public.profiles p on p.id = r.user_id;
  return v_rows;
end;
$$;

revoke execute on function public.usage_bucket_rows(uuid, uuid, timestamptz, timestamptz, text, text[], boolean, boolean) from public, anon, authenticated;
grant execute on function public.usage_bucket_rows(uuid, uuid, timestamptz, timestamptz, text, text[], boolean, boolean) to service_role;

------------------------------------------------------------------------------------------------
-- Export leases: at most p_limit exports per user at once, counted in the database so every app
-- instance shares the count. A running export renews its lease as it reads pages; one whose
-- instance died stops counting when its lease expires. Only the service role calls these.
------------------------------------------------------------------------------------------------
create table public.usage_export_leases (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  started_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index usage_export_leases_user_idx on public.usage_export_leases (user_id, expires_at);

alter table public.usage_export_leases enable row level security;
revoke all on public.usage_export_leases from anon, authenticated;
grant all on public.usage_export_leases to service_role;

-- A lease id when the user has fewer than p_limit live leases; else no id and the seconds until
-- the first of them expires (the Retry-After).
create or replace function public.acquire_usage_export(p_user_id uuid, p_limit integer, p_ttl_seconds integer)
returns table (lease_id uuid, retry_after integer)
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_live integer;
  v_first timestamptz;
begin
  if p_user_id is null or p_limit is null or p_limit < 1 or p_ttl_seconds is null or p_ttl_seconds < 1 then
    raise exception 'acquire_usage_export needs a user, a limit and a ttl' using errcode = '22023';
  end if;
  -- One user's acquisitions are serialized, so two at the limit cannot both get in.
  perform pg_advisory_xact_lock(hashtext('usage_export'), hashtext(p_user_id::text));
  delete from public.usage_export_leases l where l.user_id = p_user_id and l.expires_at <= now();
  select count(*), min(l.expires_at) into v_live, v_first
  from public.usage_export_leases l where l.user_id = p_user_id;
  if v_live >= p_limit then
    return query select null::uuid, greatest(1, ceil(extract(epoch from v_first - now()))::integer);
    return;
  end if;
  return query
  insert into public.usage_export_leases (user_id, expires_at)
  values (p_user_id, now() + make_interval(secs => p_ttl_seconds))
  returning usage_export_leases.id, 0;
end;
$$;

-- Keeps a running export's lease alive; false when it is gone (expired and taken over).
create or replace function public.renew_usage_export(p_lease_id uuid, p_ttl_seconds integer)
returns boolean
language sql
volatile
set search_path = ''
as $$
  update public.usage_export_leases
  set expires_at = now() + make_interval(secs => p_ttl_seconds)
  where id = p_lease_id
  returning true;
$$;

create or replace function public.release_usage_export(p_lease_id uuid)
returns void
language sql
volatile
set search_path = ''
as $$
  delete from public.usage_export_leases where id = p_lease_id;
$$;

revoke execute on function public.acquire_usage_export(uuid, integer, integer) from public, anon, authenticated;
revoke execute on function public.renew_usage_export(uuid, integer) from public, anon, authenticated;
revoke execute on function public.release_usage_export(uuid) from public, anon, authenticated;
grant execute on function public.acquire_usage_export(uuid, integer, integer) to service_role;
grant execute on function public.renew_usage_export(uuid, integer) to service_role;
grant execute on function public.release_usage_export(uuid) to service_role;
