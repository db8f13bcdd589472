import { EVENT_TYPES, METRICS, type EventType } from "@repo/usage";
import Link from "next/link";
import { notFound } from "next/navigation";

import { DataTable } from "@/components/console/data-table";
import { ExportLink } from "@/components/console/export-link";
import { PeriodTabs } from "@/components/console/period-tabs";
import { Stat } from "@/components/console/stat";
import { Badge } from "@/components/ui/badge";
import { ActionForm } from "@/components/ui/action-form";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { MetricCards } from "@/components/usage/metric-cards";
import { Sparkline } from "@/components/usage/sparkline";
import { UsageTrends } from "@/components/usage/usage-trends";
import { requireAdmin } from "@/lib/auth/server";
import { CONSOLE_PERIODS, loadConsole } from "@/lib/console/queries";
import {
  formatBytes,
  formatDateTime,
  formatDay,
  formatDecimal,
  formatInteger,
  formatMetric,
  formatMonth,
  formatUsdCents,
} from "@/lib/format";
import { isLocale } from "@/lib/i18n/config";
import { getDictionary, pageTitle } from "@/lib/i18n/dictionaries";
import { interpolate, plural } from "@/lib/i18n/format";

import { runAggregationAction } from "./actions";
import { parseConsoleSearchParams } from "./search-params";

export const generateMetadata = pageTitle("console");

export default async function ConsoleAnalyticsPage({
  params,
  searchParams,
}: {
  params: Promise<{ locale: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  await requireAdmin({ locale, next: `/${locale}/console/analytics` });
  const { period: periodName, unknownPeriod } = parseConsoleSearchParams(await searchParams);
  const data = await loadConsole(periodName);

  const dictionary = getDictionary(locale);
  const t = dictionary.console;
  const metricName = (metric: EventType) => dictionary.metrics[metric];
  const lastDay = new Date(new Date(data.period.end).getTime() - 1);
  const orgLink = (org: { id: string; name: string }) => (
    <Link
      href={`/${locale}/console/analytics/orgs/${org.id}`}
      className="font-medium text-brand-700 hover:underline"
      data-test="console-org-link"
    >
      {org.name}
    </Link>
  );
  // Monthly partitions that are empty and small are summed up in one line, not listed.
  const isEmpty = (partition: (typeof data.health.partitions)[number]) =>
    partition.month !== null && partition.rows === 0 && partition.bytes <= 100_000;
  const shownPartitions = data.health.partitions.filter((partition) => !isEmpty(partition));
  const emptyPartitions = data.health.partitions.filter(isEmpty);
  const planName = (planId: string | null) =>
    data.counts.subscriptions.find((plan) => plan.plan === planId)?.name ?? planId ?? "—";
  const signupTotal = data.counts.signups.reduce((sum, day) => sum + day.count, 0);
  const signupSeries = data.period.buckets.map((bucket) =>
    data.counts.signups
      .filter((day) =>
        data.period.bucket === "day"
          ? day.day === bucket.slice(0, 10)
          : day.day.slice(0, 7) === bucket.slice(0, 7),
      )
      .reduce((sum, day) => sum + day.count, 0),
  );
  const hasUsage = data.cards.some((card) => card.value !== 0 || card.series.some((v) => v !== 0));
  const today = data.dataAsOf.slice(0, 10);
  const monthAgo = new Date(Date.parse(today) - 30 * 86_400_000).toISOString().slice(0, 10);

  return (
    <div className="space-y-8" data-test="console-page">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div className="min-w-0">
          <h1 className="text-2xl font-semibold tracking-tight">{t.title}</h1>
          <p className="mt-1 text-sm text-slate-500" data-test="console-range">
            {interpolate(t.subtitle, {
              start: formatDay(data.period.start, locale, true),
              end: formatDay(lastDay, locale, true),
            })}
          </p>
        </div>
        <div className="flex max-w-full min-w-0 flex-wrap items-center gap-3">
          <PeriodTabs
            label={t.periodLabel}
            periods={CONSOLE_PERIODS}
            current={periodName}
            names={t.periods}
            href={(period) => `/${locale}/console/analytics?period=${period}`}
          />
          <ExportLink
            test="console-export"
            label={t.export}
            link={{
              scope: "platform",
              from: data.period.start,
              to: data.period.end,
              granularity: data.period.bucket === "day" ? "daily" : "monthly",
              format: "csv",
            }}
          />
        </div>
      </div>

      {unknownPeriod !== null ? (
        <p
          role="status"
          className="rounded-md bg-amber-50 p-3 text-sm text-amber-900"
          data-test="console-problems"
        >
          {interpolate(t.unknownPeriod, { value: unknownPeriod })}
        </p>
      ) : null}

      <section aria-label={t.numbersTitle} className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Stat label={t.numbers.users} value={formatInteger(data.counts.users, locale)} test="console-users" />
        <Stat
          label={t.numbers.organizations}
          value={formatInteger(data.counts.organizations, locale)}
          detail={interpolate(t.numbers.personal, {
            count: formatInteger(data.counts.personal_organizations, locale),
          })}
          test="console-organizations"
        />
        <Stat
          label={t.numbers.mrr}
          value={formatUsdCents(data.counts.mrr_cents, locale)}
          detail={
            <ul className="space-y-0.5" data-test="console-subscriptions">
              {data.counts.subscriptions.map((plan) => (
                <li key={plan.plan} data-test={`console-subscriptions-${plan.plan}`} data-count={plan.count}>
                  {interpolate(t.numbers.planLine, {
                    plan: plan.name,
                    count: formatInteger(plan.count, locale),
                    mrr: formatUsdCents(plan.mrr_cents, locale),
                  })}
                </li>
              ))}
            </ul>
          }
          test="console-mrr"
        />
        <Stat
          label={t.numbers.signups}
          value={formatInteger(signupTotal, locale)}
          detail={
            signupTotal > 0 ? (
              <Sparkline values={signupSeries} kind="counter" className="h-6 w-full" />
            ) : (
              t.numbers.noSignups
            )
          }
          test="console-signups"
        />
        <Stat label={t.numbers.dau} value={formatInteger(data.activeUsers.dau, locale)} test="console-dau" />
        <Stat label={t.numbers.wau} value={formatInteger(data.activeUsers.wau, locale)} test="console-wau" />
        <Stat label={t.numbers.mau} value={formatInteger(data.activeUsers.mau, locale)} test="console-mau" />
        <Stat
          label={t.numbers.subscriptions}
          value={formatInteger(
            data.counts.subscriptions.reduce((sum, plan) => sum + plan.count, 0),
            locale,
          )}
          test="console-subscription-count"
        />
      </section>

      <section aria-labelledby="console-usage" className="space-y-3">
        <h2 id="console-usage" className="text-lg font-semibold text-slate-900">
          {t.usageTitle}
        </h2>
        <MetricCards
          cards={data.cards}
          period={data.period}
          locale={locale}
          labels={dictionary.usage.cards}
          metricLabels={dictionary.metrics}
        />
        <UsageTrends
          buckets={data.period.buckets.map((bucket) =>
            data.period.bucket === "day" ? formatDay(bucket, locale) : formatMonth(bucket, locale),
          )}
          bucketStarts={data.period.buckets}
          series={data.cards.map((card) => ({
            metric: card.metric,
            label: metricName(card.metric),
            kind: METRICS[card.metric].kind,
            values: card.series,
            display: card.series.map((value) => formatMetric(card.metric, value, locale)),
          }))}
          empty={!hasUsage}
          labels={{
            ...dictionary.usage.trends,
            caption: interpolate(dictionary.usage.trends.caption, {
              bucket:
                data.period.bucket === "day" ? dictionary.usage.trends.day : dictionary.usage.trends.month,
              start: formatDay(data.period.start, locale, true),
              end: formatDay(lastDay, locale, true),
            }),
            emptyTitle: dictionary.usage.empty.title,
            emptyBody: dictionary.usage.empty.body,
          }}
          bucketHeader={
            data.period.bucket === "day"
              ? dictionary.usage.trends.bucket
              : dictionary.usage.trends.monthBucket
          }
          locale={locale}
        />
      </section>

      <section aria-labelledby="console-who" className="space-y-4">
        <h2 id="console-who" className="text-lg font-semibold text-slate-900">
          {t.whoTitle}
        </h2>
        <DataTable
          title={t.upsell}
          test="console-upsell"
          empty={t.upsellNone}
          columns={[
            { header: t.columns.organization },
            { header: t.columns.plan },
            { header: t.columns.metric },
            { header: t.columns.threshold },
            { header: t.columns.used, numeric: true },
            { header: t.columns.forecast },
          ]}
          rows={data.upsell.map((row) => ({
            key: `${row.id}:${row.metric}`,
            cells: [
              orgLink(row),
              planName(row.planId),
              metricName(row.metric),
              <Badge key="threshold" tone={row.threshold === 100 ? "red" : "amber"}>
                {row.threshold}%
              </Badge>,
              `${formatMetric(row.metric, row.used, locale)} / ${formatMetric(row.metric, row.limit, locale)}`,
              row.projected === null
                ? "—"
                : [
                    interpolate(t.forecastValue, {
                      projected: formatMetric(row.metric, row.projected, locale),
                    }),
                    row.crossesAt
                      ? interpolate(t.crossesOn, { date: formatDay(row.crossesAt, locale) })
                      : null,
                  ]
                    .filter(Boolean)
                    .join(", "),
            ],
          }))}
        />
        <DataTable
          title={interpolate(t.spikes, { day: formatDay(data.spikes.day, locale, true) })}
          description={t.spikesDescription}
          test="console-spikes"
          empty={t.spikesNone}
          columns={[
            { header: t.columns.organization },
            { header: t.columns.plan },
            { header: t.columns.metric },
            { header: t.columns.day, numeric: true },
            { header: t.columns.average, numeric: true },
          ]}
          rows={data.spikes.rows.map((row) => ({
            key: `${row.id}:${row.metric}`,
            cells: [
              orgLink(row),
              planName(row.planId),
              metricName(row.metric),
              formatMetric(row.metric, row.dayTotal, locale),
              METRICS[row.metric].kind === "gauge"
                ? formatBytes(row.trailingAverage, locale)
                : formatDecimal(row.trailingAverage, locale),
            ],
          }))}
        />
        <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
          {EVENT_TYPES.map((metric) => (
            <DataTable
              key={metric}
              title={interpolate(t.topOrgs, { metric: metricName(metric) })}
              test={`console-top-${metric}`}
              empty={t.topNone}
              columns={[
                { header: t.columns.organization },
                { header: t.columns.plan },
                { header: t.columns.total, numeric: true },
              ]}
              rows={(data.topOrgs[metric] ?? []).map((row) => ({
                key: row.id,
                cells: [orgLink(row), planName(row.planId), formatMetric(metric, row.total, locale)],
              }))}
            />
          ))}
        </div>
      </section>

      <section aria-labelledby="console-health" className="space-y-4">
        <h2 id="console-health" className="text-lg font-semibold text-slate-900">
          {t.healthTitle}
        </h2>
        <div className="grid gap-4 sm:grid-cols-3">
          <Stat
            label={t.watermarkLabel}
            value={data.health.lagHours === null ? "—" : `${formatDecimal(data.health.lagHours, locale)} h`}
            detail={
              <>
                {data.health.rolledThrough
                  ? interpolate(t.watermark, { date: formatDateTime(data.health.rolledThrough, locale) })
                  : t.noWatermark}
                {data.health.catchUpDays > 0 ? (
                  <span className="block text-amber-800" data-test="console-catch-up">
                    {plural(locale, t.catchUp, data.health.catchUpDays)}
                  </span>
                ) : null}
              </>
            }
            test="console-lag"
          />
          <Stat
            label={t.failedLabel}
            value={formatInteger(data.health.failedRuns, locale)}
            detail={plural(locale, t.failedRuns, data.health.failedRuns)}
            test="console-failed-runs"
          />
          <Stat
            label={t.lateLabel}
            value={formatInteger(data.health.lateDays.length, locale)}
            detail={
              data.health.lateDays.length > 0
                ? `${data.health.lateDays
                    .slice(0, 6)
                    .map((day) => formatDay(day, locale))
                    .join(", ")} · ${plural(locale, t.lateOrgs, data.health.lateOrgs)}`
                : t.lateNone
            }
            test="console-late-days"
          />
        </div>
        <div className="grid gap-4 lg:grid-cols-2">
          <DataTable
            title={t.runs}
            test="console-runs"
            empty={t.runsNone}
            columns={[
              { header: t.columns.started },
              { header: t.columns.period },
              { header: t.columns.status },
              { header: t.columns.rows, numeric: true },
              { header: t.columns.duration, numeric: true },
            ]}
            rows={data.health.runs.map((run) => ({
              key: String(run.id),
              cells: [
                formatDateTime(run.startedAt, locale),
                `${run.periodType === "daily" ? t.runNow.daily : t.runNow.monthly} ${formatDay(run.periodStart, locale)} – ${formatDay(new Date(Date.parse(run.periodEnd) - 1), locale)}`,
                <Badge
                  key="status"
                  tone={run.status === "succeeded" ? "green" : run.status === "failed" ? "red" : "slate"}
                  title={run.error ?? undefined}
                >
                  {t.status[run.status as keyof typeof t.status] ?? run.status}
                </Badge>,
                `+${formatInteger(run.rowsUpserted, locale)} / −${formatInteger(run.rowsDeleted, locale)}`,
                run.durationMs === null ? "—" : `${formatInteger(Math.round(run.durationMs), locale)} ms`,
              ],
            }))}
          />
          <Card data-test="console-run-now">
            <CardHeader>
              <CardTitle>{t.runNow.title}</CardTitle>
              <CardDescription>{t.runNow.description}</CardDescription>
            </CardHeader>
            <CardContent>
              <ActionForm
                action={runAggregationAction}
                submitLabel={t.runNow.submit}
                pendingLabel={t.runNow.pending}
                className="space-y-4"
                data-test="console-run-form"
              >
                <fieldset className="flex flex-wrap gap-4 text-sm">
                  <legend className="mb-1 text-sm font-medium text-slate-700">{t.runNow.periodType}</legend>
                  <label className="inline-flex items-center gap-2">
                    <input type="radio" name="periodType" value="daily" defaultChecked /> {t.runNow.daily}
                  </label>
                  <label className="inline-flex items-center gap-2">
                    <input type="radio" name="periodType" value="monthly" /> {t.runNow.monthly}
                  </label>
                </fieldset>
                <div className="grid gap-4 sm:grid-cols-2">
                  <div>
                    <Label htmlFor="run-from">{t.runNow.from}</Label>
                    <Input
                      id="run-from"
                      name="from"
                      type="date"
                      required
                      defaultValue={monthAgo}
                      max={today}
                    />
                  </div>
                  <div>
                    <Label htmlFor="run-to">{t.runNow.to}</Label>
                    <Input id="run-to" name="to" type="date" required defaultValue={today} max={today} />
                  </div>
                </div>
              </ActionForm>
            </CardContent>
          </Card>
        </div>
        <div className="grid gap-4 lg:grid-cols-3">
          <DataTable
            className="lg:col-span-2"
            title={t.ingestion}
            description={t.ingestionDescription}
            test="console-ingestion"
            empty={t.ingestionNone}
            columns={[
              { header: t.columns.hour },
              { header: t.columns.source },
              { header: t.columns.offered, numeric: true },
              { header: t.columns.stored, numeric: true },
              { header: t.columns.duplicates, numeric: true },
              { header: t.columns.rejected, numeric: true },
            ]}
            rows={data.health.ingestion.map((hour) => ({
              key: `${hour.hour}:${hour.source}`,
              cells: [
                formatDateTime(hour.hour, locale),
                t.sources[hour.source as keyof typeof t.sources] ?? hour.source,
                formatInteger(hour.offered, locale),
                formatInteger(hour.stored, locale),
                formatInteger(hour.duplicates, locale),
                formatInteger(hour.rejected, locale),
              ],
            }))}
          />
          <DataTable
            title={t.rejections}
            test="console-rejections"
            empty={t.rejectionsNone}
            columns={[{ header: t.columns.reason }, { header: t.columns.rejected, numeric: true }]}
            rows={Object.entries(data.health.rejections)
              .sort((a, b) => b[1] - a[1])
              .map(([reason, count]) => ({
                key: reason,
                cells: [
                  <span key="reason" className="font-mono text-xs break-all">
                    {reason}
                  </span>,
                  formatInteger(count, locale),
                ],
              }))}
          />
        </div>
        <DataTable
          title={t.storageTitle}
          description={
            <>
              {data.health.rawFrom
                ? interpolate(t.rawFrom, { date: formatDay(data.health.rawFrom, locale, true) })
                : t.rawFromAll}
              {emptyPartitions.length > 0 ? (
                <span className="mt-1 block" data-test="console-empty-partitions">
                  {plural(locale, t.emptyPartitions, emptyPartitions.length, {
                    from: formatMonth(emptyPartitions[0]?.month ?? "", locale),
                    to: formatMonth(emptyPartitions.at(-1)?.month ?? "", locale),
                  })}
                </span>
              ) : null}
              {data.health.defaultRows > 0 ? (
                <span className="mt-1 block font-medium text-amber-800" data-test="console-default-rows">
                  {plural(locale, t.defaultRows, data.health.defaultRows)}
                </span>
              ) : null}
            </>
          }
          test="console-partitions"
          empty={t.partitionsNone}
          columns={[
            { header: t.columns.partition },
            { header: t.columns.month },
            { header: t.columns.rowsEstimate, numeric: true },
            { header: t.columns.size, numeric: true },
          ]}
          rows={shownPartitions.map((partition) => ({
            key: partition.name,
            cells: [
              <span key="name" className="font-mono text-xs">
                {partition.name}
              </span>,
              partition.month ? formatMonth(partition.month, locale) : "—",
              formatInteger(partition.rows, locale),
              formatBytes(partition.bytes, locale),
            ],
          }))}
        />
      </section>

      <section aria-labelledby="console-reconciliation" className="space-y-4">
        <h2 id="console-reconciliation" className="text-lg font-semibold text-slate-900">
          {t.reconciliationTitle}
        </h2>
        <DataTable
          title={
            data.reconciliation.differences.length === 0
              ? t.reconciliationAgree
              : plural(locale, t.reconciliationDiffs, data.reconciliation.differences.length)
          }
          description={interpolate(t.reconciliationDescription, {
            count: formatInteger(data.reconciliation.checked, locale),
            since: formatMonth(data.reconciliation.since, locale),
          })}
          test="console-reconciliation"
          empty={interpolate(t.reconciliationOk, {
            count: formatInteger(data.reconciliation.checked, locale),
            since: formatMonth(data.reconciliation.since, locale),
          })}
          columns={[
            { header: t.columns.organization },
            { header: t.columns.month },
            { header: t.columns.check },
            { header: t.columns.expected, numeric: true },
            { header: t.columns.actual, numeric: true },
            { header: t.columns.difference, numeric: true },
          ]}
          rows={data.reconciliation.differences.map((row) => {
            const bytes = row.check === "storage_used";
            const value = (n: number) => (bytes ? formatBytes(n, locale) : formatInteger(n, locale));
            return {
              key: `${row.id}:${row.month}:${row.check}`,
              cells: [
                orgLink(row),
                formatMonth(row.month, locale),
                t.checks[row.check],
                value(row.expected),
                value(row.actual),
                <span key="difference" className="font-semibold text-red-700" data-test="console-difference">
                  {row.difference > 0 ? "+" : "−"}
                  {value(Math.abs(row.difference))}
                </span>,
              ],
            };
          })}
        />
      </section>
    </div>
  );
}
