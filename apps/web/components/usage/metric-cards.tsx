import { METRICS, type EventType } from "@repo/usage";

import { Card } from "@/components/ui/card";
import { formatBytes, formatInteger, formatPercent } from "@/lib/format";
import type { Locale } from "@/lib/i18n/config";
import { interpolate, plural, type Plural } from "@/lib/i18n/format";
import type { MetricCard, UsageDashboard } from "@/lib/usage/dashboard";

import { Sparkline } from "./sparkline";

export interface MetricCardsProps {
  cards: MetricCard[];
  period: UsageDashboard["period"];
  locale: Locale;
  labels: {
    vsPrevious: Plural;
    vsPreviousMonths: string;
    noChange: string;
    newThisPeriod: string;
    storedAtEnd: string;
    distinctUsers: string;
  };
  metricLabels: Record<EventType, string>;
}

/** One card per metric: the period's value, the change against the period before, a sparkline. */
export function MetricCards({ cards, period, locale, labels, metricLabels }: MetricCardsProps) {
  const days = Math.round((new Date(period.end).getTime() - new Date(period.start).getTime()) / 86_400_000);
  return (
    <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4" data-test="metric-cards">
      {cards.map((card) => {
        const kind = METRICS[card.metric].kind;
        const value = kind === "gauge" ? formatBytes(card.value, locale) : formatInteger(card.value, locale);
        const change =
          card.change === null
            ? labels.newThisPeriod
            : card.change === 0
              ? labels.noChange
              : period.bucket === "day"
                ? plural(locale, labels.vsPrevious, days, {
                    change: formatPercent(card.change, locale, true),
                  })
                : interpolate(labels.vsPreviousMonths, { change: formatPercent(card.change, locale, true) });
        const tone =
          card.change === null || card.change === 0
            ? "text-slate-500"
            : card.change > 0
              ? "text-emerald-700"
              : "text-red-700";
        return (
          <Card key={card.metric} className="p-4" data-test={`card-${card.metric}`}>
            <p className="text-sm font-medium text-slate-600">{metricLabels[card.metric]}</p>
            <p className="mt-1 text-2xl font-semibold tracking-tight text-slate-900" data-test="card-value">
              {value}
            </p>
            {kind !== "counter" ? (
              <p className="text-xs text-slate-500">
                {kind === "gauge" ? labels.storedAtEnd : labels.distinctUsers}
              </p>
            ) : null}
            <p className={`mt-1 text-xs ${tone}`} data-test="card-change">
              {change}
            </p>
            <Sparkline values={card.series} kind={kind} className="mt-3 h-8 w-full" />
          </Card>
        );
      })}
    </div>
  );
}
