-- The aggregation cron's alert pass (record_usage_alerts) walked every organization in one
-- statement, so an organization deleted while it ran failed the whole pass on the notifications'
-- foreign key, and no organization got its alerts. Each organization is now its own
-- subtransaction: one that is gone is skipped. Otherwise as in 20261201000300_dashboard.sql.
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
    begin
      select * into v_billing from private.org_billing(v_org.id, now());
      for v_metric in select m.metric from public.usage_metrics m order by m.sort_order loop
        v_limit := private.plan_limit(v_billing.limits, v_metric.metric);
        continue when v_limit is null;
        perform private.record_limit_crossings(
          v_org.id, v_metric.metric,
          private.metric_total(v_org.id, v_metric.metric, v_billing.period_start, v_billing.period_end),
          v_limit, v_billing.period_start, v_billing.period_end);
      end loop;
    exception when foreign_key_violation then
      -- deleted since the loop began: nothing to alert
      null;
    end;
  end loop;
  return (select count(*) from public.usage_notifications) - v_before;
end;
$$;

revoke execute on function public.record_usage_alerts() from public, anon, authenticated;
grant execute on function public.record_usage_alerts() to service_role;
