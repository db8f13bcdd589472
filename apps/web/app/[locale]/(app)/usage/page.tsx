import { METRICS, type EventType } from "@repo/usage";
import { notFound } from "next/navigation";

import { AlertsBanner } from "@/components/usage/alerts-banner";
import { BreakdownTable } from "@/components/usage/breakdown-table";
import { LimitMeters } from "@/components/usage/limit-meters";
import { MemberTable } from "@/components/usage/member-table";
import { MetricCards } from "@/components/usage/metric-cards";
import { UsageControls } from "@/components/usage/usage-controls";
import { UsageTrends } from "@/components/usage/usage-trends";
import { requireAuth } from "@/lib/auth/server";
import {
  formatBytes,
  formatDay,
  formatInteger,
  formatMonth,
  formatPercent,
  formatRelative,
} from "@/lib/format";
import { isLocale, type Locale } from "@/lib/i18n/config";
import { getDictionary, pageTitle } from "@/lib/i18n/dictionaries";
import { interpolate } from "@/lib/i18n/format";
import { getCurrentOrg } from "@/lib/orgs/current";
import {
  decideScope,
  listMemberOptions,
  loadUsageDashboard,
  type UsageDashboard,
} from "@/lib/usage/dashboard";

import { dismissAlertAction } from "./actions";
import { parseUsageSearchParams, type UsageProblem } from "./search-params";

export const generateMetadata = pageTitle("usage");

/** A metric's value in its own unit, for people. */
function metricValue(metric: EventType, value: number, locale: Locale): string {
  return METRICS[metric].kind === "gauge" ? formatBytes(value, locale) : formatInteger(value, locale);
}

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
    supabase: ctx.supabase,
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
  const hasUsage = data.cards.some((card) => card.value !== 0 || card.series.some((v) => v !== 0));
  const bucketLabels = data.period.buckets.map((bucket) =>
    data.period.bucket === "day" ? formatDay(bucket, locale) : formatMonth(bucket, locale),
  );

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
              used: metricValue(alert.metric, alert.used, locale),
              limit: metricValue(alert.metric, alert.limit, locale),
            }),
            severity: alert.threshold === 100 ? "exceeded" : "warning",
          }))}
        />
      ) : null}

      <LimitMeters
        meters={data.limits}
        locale={locale}
        labels={t.limits}
        metricLabels={dictionary.metrics}
        metricUnits={dictionary.metricUnits}
        planName={data.billing.planName}
        billing={data.billing}
        now={now}
      />

      <section aria-labelledby="cards-title" className="space-y-3">
        <h2 id="cards-title" className="text-base font-semibold text-slate-900">
          {t.cards.title}
        </h2>
        <MetricCards
          cards={data.cards}
          period={data.period}
          locale={locale}
          labels={t.cards}
          metricLabels={dictionary.metrics}
        />
      </section>

      <UsageTrends
        buckets={bucketLabels}
        bucketStarts={data.period.buckets}
        series={data.cards.map((card) => ({
          metric: card.metric,
          label: dictionary.metrics[card.metric],
          kind: METRICS[card.metric].kind,
          values: card.series,
          display: card.series.map((value) => metricValue(card.metric, value, locale)),
        }))}
        empty={!hasUsage}
        labels={{
          ...t.trends,
          caption: interpolate(t.trends.caption, {
            bucket: data.period.bucket === "day" ? t.trends.day : t.trends.month,
            start: formatDay(data.period.start, locale, true),
            end: formatDay(lastDay, locale, true),
          }),
          emptyTitle: t.empty.title,
          emptyBody: t.empty.body,
        }}
        bucketHeader={data.period.bucket === "day" ? t.trends.bucket : t.trends.monthBucket}
        locale={locale}
      />

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        {data.members ? (
          <div className="lg:col-span-2">
            <MemberTable
              title={t.breakdowns.members}
              labels={{ member: t.breakdowns.member, share: t.breakdowns.share, sortBy: t.breakdowns.sortBy }}
              metrics={data.cards.map((card) => ({
                metric: card.metric,
                label: dictionary.metrics[card.metric],
              }))}
              rows={memberRows(
                data.members,
                data.cards.map((card) => card.metric),
                locale,
              )}
            />
          </div>
        ) : null}
        <BreakdownTable
          title={t.breakdowns.apiRoutes}
          keyHeader={t.breakdowns.route}
          totalHeader={dictionary.metrics.api_call}
          rows={data.breakdowns.apiRoutes}
          locale={locale}
          empty={t.breakdowns.none}
          test="breakdown-api-routes"
        />
        <BreakdownTable
          title={t.breakdowns.apiStatus}
          keyHeader={t.breakdowns.status}
          totalHeader={dictionary.metrics.api_call}
          rows={data.breakdowns.apiStatus}
          locale={locale}
          empty={t.breakdowns.none}
          test="breakdown-api-status"
        />
        <BreakdownTable
          title={t.breakdowns.aiModels}
          keyHeader={t.breakdowns.model}
          totalHeader={dictionary.metrics.ai_tokens_used}
          rows={data.breakdowns.aiModels}
          locale={locale}
          empty={t.breakdowns.none}
          test="breakdown-ai-models"
        />
      </div>
    </div>
  );
}

/** Members' values per metric, formatted, with each one's share of the column (of positive values). */
function memberRows(rows: NonNullable<UsageDashboard["members"]>, metrics: EventType[], locale: Locale) {
  const totals = Object.fromEntries(
    metrics.map((metric) => [
      metric,
      rows.reduce((sum, row) => sum + Math.max(row.totals[metric] ?? 0, 0), 0),
    ]),
  );
  return rows.map((row) => ({
    id: row.userId,
    name: row.name,
    email: row.email,
    values: Object.fromEntries(metrics.map((metric) => [metric, row.totals[metric] ?? 0])),
    display: Object.fromEntries(
      metrics.map((metric) => [metric, metricValue(metric, row.totals[metric] ?? 0, locale)]),
    ),
    shares: Object.fromEntries(
      metrics.map((metric) => {
        const total = totals[metric] ?? 0;
        return [metric, formatPercent(total > 0 ? Math.max(row.totals[metric] ?? 0, 0) / total : 0, locale)];
      }),
    ),
  }));
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
