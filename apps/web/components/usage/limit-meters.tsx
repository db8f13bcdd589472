import { METRICS, type EventType } from "@repo/usage";

import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { formatDay, formatMetric, formatPercent } from "@/lib/format";
import type { Locale } from "@/lib/i18n/config";
import { interpolate, plural, type Plural } from "@/lib/i18n/format";
import type { LimitMeter, UsageDashboard } from "@/lib/usage/dashboard";

export interface LimitMetersProps {
  meters: LimitMeter[];
  locale: Locale;
  planName: string;
  billing: UsageDashboard["billing"];
  now: Date;
  metricLabels: Record<EventType, string>;
  metricUnits: Record<EventType, Plural>;
  labels: {
    title: string;
    note: string;
    usedOf: string;
    storedOf: string;
    resets: string;
    unlimited: string;
    percentOnly: string;
    forecast: string;
    crosses: string;
    states: Record<LimitMeter["status"], string>;
  };
}

const tone = { ok: "green", warning: "amber", exceeded: "red", unlimited: "slate" } as const;
const bar = {
  ok: "bg-emerald-500",
  warning: "bg-amber-500",
  exceeded: "bg-red-600",
  unlimited: "bg-slate-300",
} as const;

/**
 * Where the organization stands against each plan limit in the current billing period, whatever
 * period the page shows: a meter (ok, warning at 80%, exceeded at 100%), the limit in words, when
 * it resets, and a forecast at the current run-rate.
 */
export function LimitMeters({
  meters,
  locale,
  planName,
  billing,
  metricLabels,
  metricUnits,
  labels,
}: LimitMetersProps) {
  const amount = (metric: EventType, value: number) => formatMetric(metric, value, locale);
  const lastDay = new Date(new Date(billing.end).getTime() - 1);
  return (
    <Card data-test="limit-meters">
      <CardHeader>
        <CardTitle>{labels.title}</CardTitle>
        <CardDescription>
          {interpolate(labels.note, {
            start: formatDay(billing.start, locale, true),
            end: formatDay(lastDay, locale, true),
          })}
        </CardDescription>
      </CardHeader>
      <CardContent>
        <ul className="grid gap-x-8 gap-y-5 md:grid-cols-2">
          {meters.map((meter) => {
            const percent = meter.ratio === null ? null : Math.min(meter.ratio, 1);
            const words =
              meter.status === "unlimited"
                ? interpolate(labels.unlimited, { plan: planName })
                : meter.used === undefined || meter.limit === undefined || meter.limit === null
                  ? interpolate(labels.percentOnly, { percent: formatPercent(meter.ratio ?? 0, locale) })
                  : METRICS[meter.metric].kind === "gauge"
                    ? interpolate(labels.storedOf, {
                        used: amount(meter.metric, meter.used),
                        limit: amount(meter.metric, meter.limit),
                      })
                    : `${interpolate(labels.usedOf, {
                        used: amount(meter.metric, meter.used),
                        limit: amount(meter.metric, meter.limit),
                        unit: plural(locale, metricUnits[meter.metric], meter.limit),
                      })}, ${interpolate(labels.resets, { date: formatDay(billing.end, locale) })}`;
            return (
              <li key={meter.metric} data-test={`meter-${meter.metric}`} data-status={meter.status}>
                <div className="flex items-center justify-between gap-2">
                  <span className="text-sm font-medium text-slate-800">{metricLabels[meter.metric]}</span>
                  <Badge tone={tone[meter.status]} data-test="meter-state">
                    {labels.states[meter.status]}
                  </Badge>
                </div>
                <div
                  className="mt-2 h-2 overflow-hidden rounded-full bg-slate-100"
                  role="meter"
                  aria-label={metricLabels[meter.metric]}
                  aria-valuemin={0}
                  aria-valuemax={100}
                  aria-valuenow={percent === null ? undefined : Math.round(percent * 100)}
                  aria-valuetext={words}
                >
                  {percent !== null ? (
                    <div
                      className={`h-full rounded-full ${bar[meter.status]}`}
                      style={{ width: `${Math.max(percent * 100, 1)}%` }}
                    />
                  ) : null}
                </div>
                <p className="mt-1 text-xs text-slate-600" data-test="meter-words">
                  {words}
                </p>
                {meter.status !== "unlimited" && meter.projected !== undefined && (meter.used ?? 0) > 0 ? (
                  <p className="text-xs text-slate-500" data-test="meter-forecast">
                    {interpolate(labels.forecast, {
                      projected: amount(meter.metric, meter.projected),
                      end: formatDay(lastDay, locale),
                    })}
                    {meter.crossesAt
                      ? ` · ${interpolate(labels.crosses, { date: formatDay(meter.crossesAt, locale) })}`
                      : ""}
                  </p>
                ) : meter.crossesAt ? (
                  <p className="text-xs text-slate-500" data-test="meter-forecast">
                    {interpolate(labels.crosses, { date: formatDay(meter.crossesAt, locale) })}
                  </p>
                ) : null}
              </li>
            );
          })}
        </ul>
      </CardContent>
    </Card>
  );
}
