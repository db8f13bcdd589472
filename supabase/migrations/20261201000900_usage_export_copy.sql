-- Raw CSV exports straight from Postgres (docs/scale.md, "Exports"): the export route runs
--   copy (select * from public.usage_export_csv(…)) to stdout with (format csv)
-- over a direct connection (SUPABASE_DB_URL) and passes the bytes on, instead of reading JSON pages
-- through the API and writing CSV in the app. Every cell is written here as the app's CSV writer
-- writes it (apps/web/lib/usage/export-format.ts), and a test holds the two to the same bytes:
-- timestamps as ISO 8601 UTC with six fraction digits, quantities without trailing zeros, text
-- that starts like a formula behind an apostrophe, and no cell that is an empty quoted string.
--
-- Both functions are plain SQL without SET clauses so the planner inlines them into the COPY's
-- query: rows stream out in index order as they are read, and the literal arguments fold into
-- the index conditions (a function that returned a set would first collect every row).

-- A text cell: empty for null or '', and an apostrophe in front of text a spreadsheet would take
-- for a formula (= + - @ TAB CR and their full-width forms). COPY quotes the rest as RFC 4180 does.
create or replace function private.csv_text(p_value text)
returns text
language sql
immutable
parallel safe
as $$
  select case
    when p_value = '' then null
    when left(p_value, 1) in ('=', '+', '-', '@', E'\t', E'\r', U&'\FF1D', U&'\FF0B', U&'\FF0D', U&'\FF20')
      then '''' || p_value
    else p_value
  end;
$$;
revoke execute on function private.csv_text(text) from public, anon, authenticated;
grant execute on function private.csv_text(text) to service_role;

-- The raw export's rows, in the export's order: one organization's or member's events by
-- (created_at, id); every organization's by (org_id, created_at, id), then the events without one.
-- The caller authorizes first (the export route), as it does for usage_export_events.
create or replace function public.usage_export_csv(
  p_org_id uuid,
  p_user_id uuid,
  p_start timestamptz,
  p_end timestamptz,
  p_metrics text[]
)
returns table (
  event_id text, created_at text, received_at text, org_id text, org_name text, user_id text,
  member_name text, member_email text, event_type text, quantity text, unit text, event_data text
)
language sql
stable
as $$
  select e.id::text,
         to_char(e.created_at at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
         to_char(e.received_at at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
         e.org_id::text,
         private.csv_text(o.name),
         e.user_id::text,
         private.csv_text(p.display_name),
         private.csv_text(p.email),
         e.event_type,
         trim_scale(e.quantity)::text,
         m.unit,
         -- always a JSON object (a check constraint): it starts with "{", never like a formula
         e.event_data::text
  from public.usage_events e
  join public.usage_metrics m on m.metric = e.event_type
  left join public.organizations o on o.id = e.org_id
  left join public.profiles p on p.id = e.user_id
  where e.created_at >= p_start and e.created_at < p_end and e.event_type = any (p_metrics)
    and (p_org_id is null or e.org_id = p_org_id)
    and (p_user_id is null or e.user_id = p_user_id)
  order by case when p_org_id is null and p_user_id is null then e.org_id end, e.created_at, e.id;
$$;
revoke execute on function public.usage_export_csv(uuid, uuid, timestamptz, timestamptz, text[]) from public, anon, authenticated;
grant execute on function public.usage_export_csv(uuid, uuid, timestamptz, timestamptz, text[]) to service_role;
