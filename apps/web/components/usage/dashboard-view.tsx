import { METRICS, type EventType } from "@repo/usage";

import { formatDay, formatMetric, formatMonth, formatPercent } from "@/lib/format";
import type { Locale } from "@/lib/i18n/config";
import type { Dictionary } from "@/lib/i18n/dictionaries";
import { interpolate } from "@/lib/i18n/format";
import type { UsageDashboard } from "@/lib/usage/dashboard";

import { BreakdownTable } from "./breakdown-table";
import { LimitMeters } from "./limit-meters";
import { MemberTable } from "./member-table";
import { MetricCards } from "./metric-cards";
import { UsageTrends } from "./usage-trends";

/**
 * The body of a usage dashboard: limits, metric cards, the trends chart, the member table and the
 * breakdowns. The usage page shows it to an organization's members; the platform console shows
 * the same view of any organization to platform admins.
 */
export function UsageDashboardView({
  data,
  locale,
  dictionary,
}: {
  data: UsageDashboard;
  locale: Locale;
  dictionary: Dictionary;
}) {
  const t = dictionary.usage;
  const now = new Date(data.freshness.dataAsOf);
  const lastDay = new Date(new Date(data.period.end).getTime() - 1);
  const hasUsage = data.cards.some((card) => card.value !== 0 || card.series.some((v) => v !== 0));
  const bucketLabels = data.period.buckets.map((bucket) =>
    data.period.bucket === "day" ? formatDay(bucket, locale) : formatMonth(bucket, locale),
  );

  return (
    <>
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
          display: card.series.map((value) => formatMetric(card.metric, value, locale)),
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
    </>
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
      metrics.map((metric) => [metric, formatMetric(metric, row.totals[metric] ?? 0, locale)]),
    ),
    shares: Object.fromEntries(
      metrics.map((metric) => {
        const total = totals[metric] ?? 0;
        return [metric, formatPercent(total > 0 ? Math.max(row.totals[metric] ?? 0, 0) / total : 0, locale)];
      }),
    ),
  }));
}
