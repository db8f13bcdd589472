-- Usage events: one row per metered action (docs/architecture.md §2).
--
-- Sections: table and checks · indexes · RLS
--
-- Only the service role writes events (the app's logUsage sink and the ingestion API). Duplicates
-- are recognised by idempotency_key: a repeated key is inserted once and reported as success.

------------------------------------------------------------------------------------------------
-- Table
------------------------------------------------------------------------------------------------
create table public.usage_events (
  id uuid primary key default gen_random_uuid(),
  -- No foreign keys: events are billing history and outlive the users and organizations they name,
  -- and ingestion stays a plain append.
  user_id uuid not null,
  org_id uuid,
  event_type text not null,
  quantity numeric not null,
  event_data jsonb not null default '{}',
  -- when it happened, set by the caller; received_at is when we stored it
  created_at timestamptz not null,
  received_at timestamptz not null default now(),
  idempotency_key text not null,
  constraint usage_events_idempotency_key_key unique (idempotency_key),
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
);

comment on table public.usage_events is
  'Raw usage events. Written only by the service role; rolled up by aggregate_usage().';

------------------------------------------------------------------------------------------------
-- Indexes for the reads of docs/architecture.md §4: an org's or a user's events in a time
-- range (the live tail since the watermark, exports), and the events received since a watermark.
------------------------------------------------------------------------------------------------
create index usage_events_org_created_idx on public.usage_events (org_id, created_at);
create index usage_events_user_created_idx on public.usage_events (user_id, created_at);
-- received_at only grows (rows are appended with now()), so a BRIN index finds "received since
-- the watermark" for a fraction of a btree's write cost.
create index usage_events_received_brin on public.usage_events using brin (received_at);

------------------------------------------------------------------------------------------------
-- RLS: a user reads their own events; owners and admins read their organization's. No one but
-- the service role inserts, updates or deletes.
------------------------------------------------------------------------------------------------
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
-- ingest_usage_events: the write path of logUsage and the ingestion API, one round trip per
-- batch. Rows arrive as one jsonb array of arrays
--   [user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key]
-- (compact, and PostgREST passes a single jsonb argument through without per-element work).
-- The common case, no duplicates, is a plain INSERT; only when a key repeats does it fall back to
-- ON CONFLICT DO NOTHING, whose speculative insertion costs about a quarter of the throughput.
-- With p_return_keys it returns the keys actually inserted, so callers can tell new events from
-- duplicates.
------------------------------------------------------------------------------------------------
create or replace function public.ingest_usage_events(p_rows jsonb, p_return_keys boolean default false)
returns setof text
language plpgsql
set search_path = ''
as $$
declare
  v_keys text[];
begin
  begin
    with inserted as (
      insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
      select (r ->> 0)::uuid, (r ->> 1)::uuid, r ->> 2, (r ->> 3)::numeric, r -> 4, (r ->> 5)::timestamptz, r ->> 6
      from jsonb_array_elements(p_rows) as r
      returning usage_events.idempotency_key
    )
    select case when p_return_keys then array_agg(idempotency_key) end into v_keys from inserted;
  exception when unique_violation then
    with inserted as (
      insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
      select (r ->> 0)::uuid, (r ->> 1)::uuid, r ->> 2, (r ->> 3)::numeric, r -> 4, (r ->> 5)::timestamptz, r ->> 6
      from jsonb_array_elements(p_rows) as r
      on conflict (idempotency_key) do nothing
      returning usage_events.idempotency_key
    )
    select case when p_return_keys then array_agg(idempotency_key) end into v_keys from inserted;
  end;
  return query select unnest(v_keys);
end;
$$;

revoke execute on function public.ingest_usage_events(jsonb, boolean) from public, anon, authenticated;
grant execute on function public.ingest_usage_events(jsonb, boolean) to service_role;

------------------------------------------------------------------------------------------------
-- Rate limiting for the public API: fixed windows per bucket (e.g. an API key), shared by every
-- app instance. Only the service role calls it.
------------------------------------------------------------------------------------------------
create table public.api_rate_limits (
  bucket text not null,
  window_start timestamptz not null,
  hits integer not null,
  primary key (bucket, window_start)
);
alter table public.api_rate_limits enable row level security;
revoke all on public.api_rate_limits from anon, authenticated;

-- Counts a hit and returns 0 when it is allowed, else the seconds until the window resets.
create or replace function public.hit_rate_limit(p_bucket text, p_window_seconds integer, p_limit integer)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  v_window timestamptz := to_timestamp(floor(extract(epoch from now()) / p_window_seconds) * p_window_seconds);
  v_hits integer;
begin
  insert into public.api_rate_limits as r (bucket, window_start, hits)
  values (p_bucket, v_window, 1)
  on conflict (bucket, window_start) do update set hits = r.hits + 1
  returning hits into v_hits;

  -- Old windows are useless; trim a few on the way (cheap, bounded).
  delete from public.api_rate_limits
  where ctid in (select ctid from public.api_rate_limits where window_start < v_window - interval '1 hour' limit 100);

  if v_hits > p_limit then
    return greatest(1, ceil(extract(epoch from (v_window + make_interval(secs => p_window_seconds) - now())))::integer);
  end if;
  return 0;
end;
$$;

revoke execute on function public.hit_rate_limit(text, integer, integer) from public, anon, authenticated;
grant execute on function public.hit_rate_limit(text, integer, integer) to service_role;
