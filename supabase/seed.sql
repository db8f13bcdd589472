-- Demo data for the local stack. Applied once, when `pnpm dev` creates the database
-- (`pnpm db:reset` starts over). `pnpm dev` prints the sign-ins listed here:
--
-- demo-login: demo@example.com / demo-password-1 (owner of Acme Corp, member of Globex)
-- demo-login: admin@example.com / admin-password-1 (platform admin)
-- demo-login: alice@acme.test / demo-password-1 (admin of Acme Corp)
-- demo-login: bob@acme.test / demo-password-1 (member of Acme Corp)
-- demo-login: grace@globex.test / demo-password-1 (owner of Globex)
-- demo-login: erin@initech.test / demo-password-1 (owner of Initech)
-- demo-login: frank@initech.test / demo-password-1 (member of Initech)
--
-- The organizations show every state of the usage dashboard: Acme Corp (Pro) well within its
-- limits, Globex (Free) near its API-call limit this billing period, Initech (Free) past its
-- AI-token limit, Stark Lab (Free, new) with no usage at all.

------------------------------------------------------------------------------------------------
-- Users. Passwords are bcrypt hashes, as the auth server stores them. The platform-admin flag
-- lives in raw_app_meta_data, which only the service role can change. The sign-up trigger gives
-- each user a profile and a personal organization.
------------------------------------------------------------------------------------------------
insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at
)
select '00000000-0000-0000-0000-000000000000', u.id::uuid, 'authenticated', 'authenticated', u.email,
       extensions.crypt(u.password, extensions.gen_salt('bf', 10)), now() - u.age,
       u.app_meta::jsonb, jsonb_build_object('display_name', u.name),
       now() - u.age, now() - u.age
from (values
  ('11111111-1111-4111-8111-111111111111', 'demo@example.com', 'demo-password-1', 'Dana Demo',
   '{"provider": "email", "providers": ["email"]}', interval '120 days'),
  ('22222222-2222-4222-8222-222222222222', 'admin@example.com', 'admin-password-1', 'Ada Admin',
   '{"provider": "email", "providers": ["email"], "platform_admin": true}', interval '120 days'),
  ('33333333-3333-4333-8333-333333333333', 'alice@acme.test', 'demo-password-1', 'Alice Ng',
   '{"provider": "email", "providers": ["email"]}', interval '110 days'),
  ('44444444-4444-4444-8444-444444444444', 'bob@acme.test', 'demo-password-1', 'Bob Stone',
   '{"provider": "email", "providers": ["email"]}', interval '64 days'),
  ('55555555-5555-4555-8555-555555555555', 'grace@globex.test', 'demo-password-1', 'Grace Park',
   '{"provider": "email", "providers": ["email"]}', interval '100 days'),
  ('66666666-6666-4666-8666-666666666666', 'erin@initech.test', 'demo-password-1', 'Erin Okafor',
   '{"provider": "email", "providers": ["email"]}', interval '95 days'),
  ('77777777-7777-4777-8777-777777777777', 'frank@initech.test', 'demo-password-1', 'Frank Weber',
   '{"provider": "email", "providers": ["email"]}', interval '12 days')
) as u(id, email, password, name, app_meta, age);

-- Profiles date from the sign-up (the console counts sign-ups per day).
update public.profiles p set created_at = u.created_at from auth.users u where u.id = p.id;

insert into auth.identities (id, user_id, provider_id, provider, identity_data, created_at, updated_at)
select gen_random_uuid(), u.id, u.id::text, 'email',
       jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', true),
       u.created_at, u.created_at
from auth.users u;

------------------------------------------------------------------------------------------------
-- Two organizations on different plans, with owners, admins and members.
------------------------------------------------------------------------------------------------
insert into public.organizations (id, name, created_by, created_at) values
  ('aaaaaaaa-0000-4000-8000-000000000001', 'Acme Corp', '11111111-1111-4111-8111-111111111111', now() - interval '110 days'),
  ('bbbbbbbb-0000-4000-8000-000000000002', 'Globex', '55555555-5555-4555-8555-555555555555', now() - interval '100 days'),
  ('a1a1a1a1-0000-4000-8000-000000000003', 'Initech', '66666666-6666-4666-8666-666666666666', now() - interval '95 days'),
  ('a1a1a1a1-0000-4000-8000-000000000004', 'Stark Lab', '11111111-1111-4111-8111-111111111111', now() - interval '2 days');

insert into public.memberships (org_id, user_id, role) values
  ('aaaaaaaa-0000-4000-8000-000000000001', '11111111-1111-4111-8111-111111111111', 'owner'),
  ('aaaaaaaa-0000-4000-8000-000000000001', '33333333-3333-4333-8333-333333333333', 'admin'),
  ('aaaaaaaa-0000-4000-8000-000000000001', '44444444-4444-4444-8444-444444444444', 'member'),
  ('bbbbbbbb-0000-4000-8000-000000000002', '55555555-5555-4555-8555-555555555555', 'owner'),
  ('bbbbbbbb-0000-4000-8000-000000000002', '11111111-1111-4111-8111-111111111111', 'member'),
  ('a1a1a1a1-0000-4000-8000-000000000003', '66666666-6666-4666-8666-666666666666', 'owner'),
  ('a1a1a1a1-0000-4000-8000-000000000003', '77777777-7777-4777-8777-777777777777', 'member'),
  ('a1a1a1a1-0000-4000-8000-000000000003', '11111111-1111-4111-8111-111111111111', 'admin'),
  ('a1a1a1a1-0000-4000-8000-000000000004', '11111111-1111-4111-8111-111111111111', 'owner');

insert into public.org_subscriptions (org_id, plan_id, status, current_period_start, current_period_end) values
  ('aaaaaaaa-0000-4000-8000-000000000001', 'pro', 'active',
   date_trunc('month', now() at time zone 'utc') at time zone 'utc',
   (date_trunc('month', now() at time zone 'utc') + interval '1 month') at time zone 'utc'),
  ('bbbbbbbb-0000-4000-8000-000000000002', 'free', 'active',
   date_trunc('month', now() at time zone 'utc') at time zone 'utc',
   (date_trunc('month', now() at time zone 'utc') + interval '1 month') at time zone 'utc'),
  ('a1a1a1a1-0000-4000-8000-000000000003', 'free', 'active',
   date_trunc('month', now() at time zone 'utc') at time zone 'utc',
   (date_trunc('month', now() at time zone 'utc') + interval '1 month') at time zone 'utc'),
  ('a1a1a1a1-0000-4000-8000-000000000004', 'free', 'active',
   date_trunc('month', now() at time zone 'utc') at time zone 'utc',
   (date_trunc('month', now() at time zone 'utc') + interval '1 month') at time zone 'utc');

insert into public.subscription_changes (org_id, from_plan_id, to_plan_id, changed_by, changed_at) values
  ('aaaaaaaa-0000-4000-8000-000000000001', null, 'free', '11111111-1111-4111-8111-111111111111', now() - interval '110 days'),
  ('aaaaaaaa-0000-4000-8000-000000000001', 'free', 'pro', '11111111-1111-4111-8111-111111111111', now() - interval '80 days'),
  ('bbbbbbbb-0000-4000-8000-000000000002', null, 'free', '55555555-5555-4555-8555-555555555555', now() - interval '100 days'),
  ('a1a1a1a1-0000-4000-8000-000000000003', null, 'free', '66666666-6666-4666-8666-666666666666', now() - interval '95 days'),
  ('a1a1a1a1-0000-4000-8000-000000000004', null, 'free', '11111111-1111-4111-8111-111111111111', now() - interval '2 days');

------------------------------------------------------------------------------------------------
-- Records, spread over the last 90 days.
------------------------------------------------------------------------------------------------
insert into public.records (id, org_id, created_by, title, body, tags, archived, created_at, updated_at)
select
  ('cccccccc-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid,
  'aaaaaaaa-0000-4000-8000-000000000001',
  (array['11111111-1111-4111-8111-111111111111', '33333333-3333-4333-8333-333333333333',
         '44444444-4444-4444-8444-444444444444']::uuid[])[1 + n % 3],
  (array['Quarterly report', 'Customer interview', 'Invoice batch', 'Release notes', 'Support escalation',
         'Roadmap draft'])[1 + n % 6] || ' #' || n,
  'Demo record ' || n || ' for Acme Corp. It exists so every page has something to show.',
  string_to_array((array['finance', 'research,q3', 'finance,q3', 'product', 'support', 'draft'])[1 + n % 6], ','),
  n % 17 = 0,
  now() - (90 - n * 2) * interval '1 day',
  now() - (90 - n * 2) * interval '1 day'
from generate_series(1, 44) as n;

insert into public.records (id, org_id, created_by, title, body, tags, created_at, updated_at)
select
  ('dddddddd-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid,
  'bbbbbbbb-0000-4000-8000-000000000002',
  '55555555-5555-4555-8555-555555555555',
  'Globex shipment ' || n,
  'Shipment manifest ' || n || '.',
  array['logistics'],
  now() - (60 - n * 5) * interval '1 day',
  now() - (60 - n * 5) * interval '1 day'
from generate_series(1, 11) as n;

------------------------------------------------------------------------------------------------
-- Automations, a schedule and some runs.
------------------------------------------------------------------------------------------------
insert into public.automations (id, org_id, created_by, name, action, filter, params, created_at) values
  ('eeeeeeee-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000001',
   '11111111-1111-4111-8111-111111111111', 'Mark Q3 finance as reviewed', 'tag',
   '{"tag": "q3"}', '{"tag": "reviewed"}', now() - interval '60 days'),
  ('eeeeeeee-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-000000000001',
   '33333333-3333-4333-8333-333333333333', 'Archive drafts', 'archive',
   '{"tag": "draft"}', '{}', now() - interval '45 days'),
  ('eeeeeeee-0000-4000-8000-000000000003', 'bbbbbbbb-0000-4000-8000-000000000002',
   '55555555-5555-4555-8555-555555555555', 'Tag shipments', 'tag',
   '{"title_contains": "shipment"}', '{"tag": "tracked"}', now() - interval '30 days');

insert into public.schedules (id, automation_id, org_id, created_by, cron, next_run_at, created_at) values
  ('ffffffff-0000-4000-8000-000000000001', 'eeeeeeee-0000-4000-8000-000000000002',
   'aaaaaaaa-0000-4000-8000-000000000001', '33333333-3333-4333-8333-333333333333', '0 * * * *',
   date_trunc('hour', now()) + interval '1 hour', now() - interval '45 days');

select public.run_automation('eeeeeeee-0000-4000-8000-000000000001', 'manual', '11111111-1111-4111-8111-111111111111');
select public.run_automation('eeeeeeee-0000-4000-8000-000000000002', 'schedule', '33333333-3333-4333-8333-333333333333',
                             'ffffffff-0000-4000-8000-000000000001');
select public.run_automation('eeeeeeee-0000-4000-8000-000000000003', 'manual', '55555555-5555-4555-8555-555555555555');

------------------------------------------------------------------------------------------------
-- Files. The objects' bytes are in supabase/seed-storage/<bucket>/<path>; the local stack copies
-- them into its storage folder when it seeds. The storage triggers add their record_files rows and
-- storage_used events, as they do for every upload.
------------------------------------------------------------------------------------------------
insert into storage.objects (bucket_id, name, owner, owner_id, metadata, created_at)
values
  ('record-files',
   'aaaaaaaa-0000-4000-8000-000000000001/cccccccc-0000-4000-8000-000000000001/0f0f0f0f-0000-4000-8000-000000000001-q3-summary.txt',
   '11111111-1111-4111-8111-111111111111', '11111111-1111-4111-8111-111111111111',
   '{"size": 141, "mimetype": "text/plain", "contentLength": 141, "httpStatusCode": 200}', now() - interval '80 days'),
  ('record-files',
   'bbbbbbbb-0000-4000-8000-000000000002/dddddddd-0000-4000-8000-000000000001/0f0f0f0f-0000-4000-8000-000000000002-manifest.csv',
   '55555555-5555-4555-8555-555555555555', '55555555-5555-4555-8555-555555555555',
   '{"size": 61, "mimetype": "text/csv", "contentLength": 61, "httpStatusCode": 200}', now() - interval '50 days');

------------------------------------------------------------------------------------------------
-- ~90 days of usage, so every chart has data. The product rows above got their events from the
-- database as they were written (records, runs, files); the daily traffic around them is
-- synthetic but deterministic.
------------------------------------------------------------------------------------------------
select setseed(0.42);

-- Daily traffic per organization: API calls and AI tokens, automation and schedule runs, uploads,
-- and which members were active.
-- The organizations' traffic profile: relative volume (AI tokens apart), who does the work, and
-- whether the organization is on the Free plan. A Free organization's billing period (this UTC
-- month) holds only its story below, whatever the day of the month: Globex near its API-call
-- limit, Initech past its AI-token limit, each under every other limit's 80% (no API-call history
-- in the period, at most one manual automation run a day, at most two active members, and AI
-- tokens from the period's story only where it writes some).
create temporary table seed_traffic (org_id uuid, scale numeric, ai_scale numeric, members uuid[], free boolean)
  on commit drop;
insert into seed_traffic values
  ('aaaaaaaa-0000-4000-8000-000000000001', 1.0, 1.0,
   array['11111111-1111-4111-8111-111111111111', '33333333-3333-4333-8333-333333333333',
         '44444444-4444-4444-8444-444444444444']::uuid[], false),
  -- Globex's AI tokens stay low (at most 160 a day, 13,800 of 20,000 with yesterday's spike in a
  -- 31-day month) and go on through the period: the console's spike needs the week before it.
  ('bbbbbbbb-0000-4000-8000-000000000002', 0.3, 0.05,
   array['55555555-5555-4555-8555-555555555555', '11111111-1111-4111-8111-111111111111']::uuid[], true),
  ('a1a1a1a1-0000-4000-8000-000000000003', 0.5, 0.5,
   array['66666666-6666-4666-8666-666666666666', '77777777-7777-4777-8777-777777777777',
         '11111111-1111-4111-8111-111111111111']::uuid[], true);
-- The first day of this billing period (every organization's period is the UTC month).
create temporary table seed_period on commit drop as
  select (date_trunc('month', now() at time zone 'utc'))::date as first_day;

with days as (
  select o.org_id, o.scale, o.members, d::date as day,
         -- weekdays are busier, and the trend grows over the quarter
         (case when extract(isodow from d) in (6, 7) then 0.4 else 1.0 end)
           * (0.6 + 0.4 * (90 - (current_date - d::date)) / 90.0) as weight
  from seed_traffic o, generate_series(current_date - 89, current_date - 1, interval '1 day') as d
  where not (o.free and d >= (select first_day from seed_period))
),
api as (
  select d.org_id, d.members, d.day, g
  from days d, generate_series(1, greatest(1, round(d.scale * d.weight * (30 + random() * 30))::int)) as g
)
insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
select a.members[1 + (a.g % cardinality(a.members))], a.org_id, 'api_call', 1,
       jsonb_build_object('route', case when a.g % 5 = 0 then '/api/v1/usage/events' else '/api/v1/records' end,
                          'method', case when a.g % 5 = 0 or a.g % 4 = 0 then 'POST' else 'GET' end,
                          'status', case when a.g % 37 = 0 then 429 when a.g % 23 = 0 then 400 when a.g % 4 = 0 then 201
                                         else 200 end),
       a.day + interval '8 hours' + ((a.g * 7) % 720) * interval '1 minute',
       'seed:api_call:' || a.org_id || ':' || a.day || ':' || a.g
from api a;

with days as (
  select o.org_id, o.ai_scale as scale, o.members, d::date as day,
         case when extract(isodow from d) in (6, 7) then 0.4 else 1.0 end as weight
  from seed_traffic o, generate_series(current_date - 89, current_date - 1, interval '1 day') as d
  -- Initech's period has the AI tokens of its story only.
  where not (o.org_id = 'a1a1a1a1-0000-4000-8000-000000000003' and d >= (select first_day from seed_period))
)
insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
select e.user_id, e.org_id, e.event_type, e.quantity, e.event_data, e.created_at, e.idempotency_key
from days d
cross join lateral (
  values
    (d.members[1], d.org_id, 'ai_tokens_used', round(d.scale * d.weight * (800 + random() * 2400)),
     jsonb_build_object('model', (array['gpt-4o-mini', 'gpt-4.1', 'llama-3.1-70b'])[1 + extract(doy from d.day)::int % 3],
                        'prompt_tokens', 600, 'completion_tokens', 200),
     d.day + interval '10 hours', 'seed:ai:' || d.org_id || ':' || d.day)
    -- automation and schedule runs, and uploads, are real rows below: the console reconciles them
) as e(user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
where e.quantity > 0;

-- Automations run by hand most days and on their daily schedules, as rows in automation_runs with
-- the events run_automation() records for them (same keys), so runs and usage reconcile.
insert into public.automations (id, org_id, created_by, name, action, filter, params, created_at) values
  ('eeeeeeee-0000-4000-8000-000000000004', 'a1a1a1a1-0000-4000-8000-000000000003',
   '66666666-6666-4666-8666-666666666666', 'Archive stale drafts', 'archive', '{"tag": "stale"}', '{}',
   now() - interval '90 days');
insert into public.schedules (id, automation_id, org_id, created_by, cron, next_run_at, created_at) values
  ('ffffffff-0000-4000-8000-000000000002', 'eeeeeeee-0000-4000-8000-000000000003',
   'bbbbbbbb-0000-4000-8000-000000000002', '55555555-5555-4555-8555-555555555555', '0 3 * * *',
   date_trunc('day', now()) + interval '1 day 3 hours', now() - interval '60 days'),
  ('ffffffff-0000-4000-8000-000000000003', 'eeeeeeee-0000-4000-8000-000000000004',
   'a1a1a1a1-0000-4000-8000-000000000003', '66666666-6666-4666-8666-666666666666', '0 3 * * *',
   date_trunc('day', now()) + interval '1 day 3 hours', now() - interval '90 days');

create temporary table seed_runs on commit drop as
with plan as (
  select t.org_id, t.members, d::date as day,
         case when extract(isodow from d) in (6, 7) then 0.4 else 1.0 end as weight,
         t.free and d >= (select first_day from seed_period) as quiet,
         (select a.id from public.automations a where a.org_id = t.org_id order by a.created_at limit 1) as manual_automation,
         (select s.id from public.schedules s where s.org_id = t.org_id order by s.created_at limit 1) as schedule_id
  from seed_traffic t, generate_series(current_date - 89, current_date - 1, interval '1 day') as d
)
select gen_random_uuid() as id, p.org_id, p.manual_automation as automation_id, p.members[1] as actor,
       'manual'::public.automation_trigger as trigger, null::uuid as schedule_id,
       p.day + interval '11 hours' + g * interval '7 minutes' as started_at
from plan p, generate_series(1, case when p.quiet then 1 else round(1 + p.weight * random() * 3)::int end) as g
where p.manual_automation is not null
union all
select gen_random_uuid(), p.org_id, s.automation_id, s.created_by, 'schedule', s.id, p.day + interval '3 hours'
from plan p join public.schedules s on s.id = p.schedule_id
where p.day >= s.created_at::date;

insert into public.automation_runs (id, automation_id, org_id, triggered_by, trigger, schedule_id, status,
                                    records_matched, records_changed, started_at, finished_at, duration_ms)
select r.id, r.automation_id, r.org_id, r.actor, r.trigger, r.schedule_id, 'succeeded',
       (abs(hashtext(r.id::text)) % 9), 0, r.started_at, r.started_at + interval '40 milliseconds', 40
from seed_runs r;

insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
select r.actor, r.org_id, 'automation_run', 1,
       jsonb_build_object('automation_id', r.automation_id, 'run_id', r.id, 'trigger', r.trigger),
       r.started_at, 'automation_run:' || r.id
from seed_runs r
union all
select r.actor, r.org_id, 'schedule_executed', 1,
       jsonb_build_object('schedule_id', r.schedule_id, 'automation_id', r.automation_id, 'run_id', r.id),
       r.started_at, 'schedule_executed:' || r.id
from seed_runs r where r.trigger = 'schedule';

-- Files uploaded over the quarter, as Storage objects of the orgs' records: the storage triggers
-- add their record_files rows and storage_used events. (The local stack writes their bytes.)
insert into storage.objects (bucket_id, name, owner, owner_id, metadata, created_at)
select 'record-files',
       r.org_id || '/' || r.id || '/' || gen_random_uuid() || '-' ||
         (array['export.csv', 'scan.pdf', 'notes.txt', 'diagram.png'])[1 + g % 4],
       r.created_by, r.created_by::text,
       jsonb_build_object('size', 20000 + (abs(hashtext(r.id::text || g)) % 180000),
                          'mimetype', (array['text/csv', 'application/pdf', 'text/plain', 'image/png'])[1 + g % 4]),
       r.created_at + g * interval '2 hours'
from public.records r, generate_series(1, 2) as g
where r.created_by is not null and r.created_at < now() - interval '1 day';

-- Members active on most weekdays, once per user, organization and UTC day (the app's key).
insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
select m.user_id, m.org_id, 'user_active', 1, jsonb_build_object('date', d::date),
       d + interval '9 hours', 'user_active:' || m.user_id || ':' || m.org_id || ':' || d::date
from public.memberships m
join public.organizations o on o.id = m.org_id and not o.is_personal
  and o.id <> 'a1a1a1a1-0000-4000-8000-000000000004' -- Stark Lab is new: no history
cross join generate_series(current_date - 89, current_date - 1, interval '1 day') as d
where extract(isodow from d) < 6 and random() < 0.8
  -- Initech's third member is not active this period (3 of its Free plan's 3 would be its limit).
  and not (m.user_id = '77777777-7777-4777-8777-777777777777' and m.org_id = 'a1a1a1a1-0000-4000-8000-000000000003'
           and d >= (select first_day from seed_period));

------------------------------------------------------------------------------------------------
-- This billing period: Globex near its API-call limit (870 of 1,000), Initech past its AI-token
-- limit (24,300 of 20,000), Acme busy but far from its Pro limits. The events are spread between
-- the period's start and now, as if they had happened.
------------------------------------------------------------------------------------------------
with period as (
  select date_trunc('month', now() at time zone 'utc') at time zone 'utc' as start,
         greatest(now() - date_trunc('month', now() at time zone 'utc') at time zone 'utc', interval '1 second') as elapsed
)
insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
select e.user_id, e.org_id, e.event_type, e.quantity, e.event_data,
       p.start + e.at * p.elapsed, e.idempotency_key
from period p
cross join lateral (
  select (array['55555555-5555-4555-8555-555555555555', '11111111-1111-4111-8111-111111111111']::uuid[])[1 + g % 2] as user_id,
         'bbbbbbbb-0000-4000-8000-000000000002'::uuid as org_id, 'api_call' as event_type, 1 as quantity,
         jsonb_build_object('route', case when g % 4 = 0 then '/api/v1/usage/events' else '/api/v1/records' end,
                            'method', case when g % 3 = 0 then 'POST' else 'GET' end,
                            'status', case when g % 29 = 0 then 400 when g % 3 = 0 then 201 else 200 end) as event_data,
         g / 871.0 as at, 'seed:period:globex:' || g as idempotency_key
  from generate_series(1, 870) g
  union all
  select (array['66666666-6666-4666-8666-666666666666', '77777777-7777-4777-8777-777777777777',
                '11111111-1111-4111-8111-111111111111']::uuid[])[1 + g % 3],
         'a1a1a1a1-0000-4000-8000-000000000003'::uuid, 'ai_tokens_used', 900,
         jsonb_build_object('model', (array['gpt-4.1', 'gpt-4o-mini'])[1 + g % 2], 'prompt_tokens', 700, 'completion_tokens', 200),
         g / 28.0, 'seed:period:initech:' || g
  from generate_series(1, 27) g
  union all
  select (array['11111111-1111-4111-8111-111111111111', '33333333-3333-4333-8333-333333333333',
                '44444444-4444-4444-8444-444444444444']::uuid[])[1 + g % 3],
         'aaaaaaaa-0000-4000-8000-000000000001'::uuid, 'api_call', 1,
         jsonb_build_object('route', '/api/v1/records', 'method', 'GET', 'status', 200),
         g / 121.0, 'seed:period:acme:' || g
  from generate_series(1, 120) g
) e;

-- Yesterday, Globex's AI use jumped to several times its usual day: the console lists it as a spike.
insert into public.usage_events (user_id, org_id, event_type, quantity, event_data, created_at, idempotency_key)
values ('55555555-5555-4555-8555-555555555555', 'bbbbbbbb-0000-4000-8000-000000000002', 'ai_tokens_used', 9000,
        '{"model": "gpt-4.1", "prompt_tokens": 8000, "completion_tokens": 1000}',
        (current_date - 1) + interval '15 hours', 'seed:spike:globex');

-- Roll the past up, as the nightly cron would have, and record the limit alerts it would have.
select public.aggregate_usage('daily', (current_date - 95)::timestamp at time zone 'utc', current_date::timestamp at time zone 'utc');
select public.aggregate_usage('monthly', date_trunc('month', (current_date - 95)::timestamp) at time zone 'utc',
                              date_trunc('month', current_date::timestamp) at time zone 'utc');
select public.record_usage_alerts();

