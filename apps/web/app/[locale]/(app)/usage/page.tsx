import { notFound } from "next/navigation";

import { AlertsBanner } from "@/components/usage/alerts-banner";
import { UsageDashboardView } from "@/components/usage/dashboard-view";
import { UsageControls } from "@/components/usage/usage-controls";
import { UsageExport } from "@/components/usage/usage-export";
import { requireAuth } from "@/lib/auth/server";
import { formatDay, formatMetric, formatRelative } from "@/lib/format";
import { isLocale } from "@/lib/i18n/config";
import { getDictionary, pageTitle } from "@/lib/i18n/dictionaries";
import { interpolate } from "@/lib/i18n/format";
import { getCurrentOrg } from "@/lib/orgs/current";
import { decideScope, listMemberOptions, loadUsageDashboard } from "@/lib/usage/dashboard";

import { dismissAlertAction } from "./actions";
import { parseUsageSearchParams, type UsageProblem } from "./search-params";

export const generateMetadata = pageTitle("usage");

export default async function UsagePage({
  params,
  searchParams,
}: {
  params: Promise<{ locale: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const ctx = await requireAuth({ locale });
  const { params: query, problems } = parseUsageSearchParams(await searchParams);

  // The organization: the one asked for if the user belongs to it, else the header's.
  const { orgs, current } = await getCurrentOrg(ctx, query.org);
  if (!current) notFound();
  const orgUnknown = query.org !== null && current.id !== query.org;

  const members = await listMemberOptions(ctx.supabase, current.id);
  const { scope, refused } = decideScope(
    {
      orgId: current.id,
      role: current.role,
      viewerId: ctx.user.id,
      memberId: query.member,
      wantsOrg: query.wantsOrgScope,
    },
    members,
  );
  const data = await loadUsageDashboard({
    scope,
    role: current.role,
    members,
    period: query.period,
    custom: query.custom,
  });

  const dictionary = getDictionary(locale);
  const t = dictionary.usage;
  const now = new Date(data.freshness.dataAsOf);
  const manager = current.role === "owner" || current.role === "admin";
  const lastDay = new Date(new Date(data.period.end).getTime() - 1);
  const rangeLabel = interpolate(t.range, {
    start: formatDay(data.period.start, locale, true),
    end: formatDay(lastDay, locale, true),
  });

  const messages = [
    ...problems.map((problem) => problemMessage(problem, t.problems, current.name)),
    ...(orgUnknown ? [interpolate(t.problems.org_unknown, { org: current.name })] : []),
    ...(refused ? [interpolate(t.problems[refused], { org: current.name })] : []),
  ];
  const scopeName =
    scope.kind === "org"
      ? t.scope.org
      : scope.kind === "member"
        ? interpolate(t.scope.member, {
            name: members.find((m) => m.userId === scope.userId)?.name ?? "",
            org: current.name,
          })
        : interpolate(t.scope.self, { org: current.name });

  return (
    <div className="space-y-6" data-test="usage-page">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div className="min-w-0">
          <h1 className="text-2xl font-semibold tracking-tight">{t.title}</h1>
          <p className="mt-1 text-sm text-slate-500" data-test="usage-scope">
            {interpolate(t.subtitle, { org: current.name, plan: data.billing.planName })} · {scopeName} ·{" "}
            <span data-test="usage-range">{rangeLabel}</span>
          </p>
          <p className="mt-1 text-xs text-slate-500" data-test="usage-freshness">
            {interpolate(t.updated, { time: formatRelative(data.freshness.dataAsOf, now, locale) })} ·{" "}
            {data.freshness.refreshedAt
              ? interpolate(t.refreshed, { time: formatRelative(data.freshness.refreshedAt, now, locale) })
              : t.notRolledUp}
          </p>
          <div className="mt-3">
            <UsageExport
              orgId={current.id}
              scope={scope}
              start={data.period.start}
              end={data.period.end}
              bucket={data.period.bucket}
              labels={t.export}
              titles={{
                csv: interpolate(t.export.download, { range: rangeLabel, format: t.export.csv }),
                jsonl: interpolate(t.export.download, { range: rangeLabel, format: t.export.jsonl }),
              }}
            />
          </div>
        </div>
        <UsageControls
          labels={{ ...t.controls, periods: t.periods }}
          orgs={orgs.map((org) => ({ id: org.id, name: org.name }))}
          orgId={current.id}
          members={manager ? members.map((m) => ({ id: m.userId, name: m.name })) : null}
          memberId={scope.kind === "member" ? scope.userId : null}
          period={data.period.name}
          from={query.custom ? query.custom.from.toISOString().slice(0, 10) : null}
          to={query.custom ? query.custom.to.toISOString().slice(0, 10) : null}
        />
      </div>

      {messages.length > 0 ? (
        <div
          role="status"
          className="space-y-1 rounded-md bg-amber-50 p-3 text-sm text-amber-900"
          data-test="usage-problems"
        >
          {messages.map((message) => (
            <p key={message}>{message}</p>
          ))}
        </div>
      ) : null}

      {data.notifications && data.notifications.length > 0 ? (
        <AlertsBanner
          orgId={current.id}
          action={dismissAlertAction}
          labels={{ title: t.alerts.title, dismiss: t.alerts.dismiss, dismissing: t.alerts.dismissing }}
          alerts={data.notifications.map((alert) => ({
            id: alert.id,
            text: interpolate(t.alerts.reached, {
              metric: dictionary.metrics[alert.metric],
              threshold: `${alert.threshold}%`,
              plan: data.billing.planName,
              used: formatMetric(alert.metric, alert.used, locale),
              limit: formatMetric(alert.metric, alert.limit, locale),
            }),
            severity: alert.threshold === 100 ? "exceeded" : "warning",
          }))}
        />
      ) : null}

      <UsageDashboardView data={data} locale={locale} dictionary={dictionary} />
    </div>
  );
}

function problemMessage(
  problem: UsageProblem,
  labels: ReturnType<typeof getDictionary>["usage"]["problems"],
  org: string,
): string {
  switch (problem.code) {
    case "period_unknown":
      return interpolate(labels.period_unknown, { value: problem.value });
    case "date_invalid":
      return interpolate(labels.date_invalid, { field: labels.fields[problem.field] });
    case "org_invalid":
      return interpolate(labels.org_invalid, { org });
    default:
      return labels[problem.code];
  }
}
