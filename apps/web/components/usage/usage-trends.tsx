"use client";

import type { MetricKind } from "@repo/usage";
import { useQueryState } from "nuqs";
import { useTransition } from "react";
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";

import { usageQueryParsers } from "@/app/[locale]/(app)/usage/search-params";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import type { Locale } from "@/lib/i18n/config";

export interface TrendSeries {
  metric: string;
  label: string;
  kind: MetricKind;
  /** One value per bucket: every bucket, zeros included (storage: the level at the bucket's end). */
  values: number[];
  /** The same values formatted on the server, in the metric's unit. */
  display: string[];
}

export interface UsageTrendsProps {
  /** Bucket labels formatted on the server ("1 Dec", "Dec 2026"). */
  buckets: string[];
  bucketStarts: string[];
  series: TrendSeries[];
  empty: boolean;
  bucketHeader: string;
  locale: Locale;
  labels: {
    title: string;
    showTable: string;
    showCharts: string;
    caption: string;
    emptyTitle: string;
    emptyBody: string;
  };
}

interface Point {
  label: string;
  value: number;
  display: string;
}

function ChartTooltip({
  active,
  payload,
  title,
}: {
  active?: boolean;
  payload?: { payload: Point }[];
  title: string;
}) {
  const point = payload?.[0]?.payload;
  if (!active || !point) return null;
  return (
    <div className="rounded-md border border-slate-200 bg-surface px-3 py-2 text-xs shadow-md">
      <p className="font-medium text-slate-800">{point.label}</p>
      <p className="text-slate-600">
        {title}: <span className="font-semibold text-slate-900">{point.display}</span>
      </p>
    </div>
  );
}

/** One small chart per metric (units never share an axis), or the same numbers as a table. */
export function UsageTrends({
  buckets,
  bucketStarts,
  series,
  empty,
  bucketHeader,
  locale,
  labels,
}: UsageTrendsProps) {
  const [pending, startTransition] = useTransition();
  const [view, setView] = useQueryState("view", {
    ...usageQueryParsers.view,
    shallow: true,
    startTransition,
  });
  const compact = new Intl.NumberFormat(locale, { notation: "compact", maximumFractionDigits: 1 });

  return (
    <Card data-test="usage-trends">
      <CardHeader className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <CardTitle>{labels.title}</CardTitle>
          <CardDescription>{labels.caption}</CardDescription>
        </div>
        <Button
          type="button"
          variant="secondary"
          disabled={pending}
          data-test="trends-toggle"
          onClick={() => void setView(view === "table" ? "charts" : "table")}
        >
          {view === "table" ? labels.showCharts : labels.showTable}
        </Button>
      </CardHeader>
      <CardContent>
        {empty ? (
          <div className="py-8 text-center" data-test="usage-empty">
            <p className="font-medium text-slate-800">{labels.emptyTitle}</p>
            <p className="mt-1 text-sm text-slate-500">{labels.emptyBody}</p>
          </div>
        ) : null}
        {view === "table" ? (
          <div className="overflow-x-auto">
            <table className="w-full min-w-[48rem] text-sm" data-test="trends-table">
              <caption className="sr-only">{labels.caption}</caption>
              <thead>
                <tr className="text-left text-xs text-slate-500">
                  <th scope="col" className="px-2 pb-2 font-medium">
                    {bucketHeader}
                  </th>
                  {series.map((s) => (
                    <th key={s.metric} scope="col" className="px-2 pb-2 text-right font-medium">
                      {s.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {buckets.map((bucket, i) => (
                  <tr key={bucketStarts[i]} data-test="trends-row" data-bucket={bucketStarts[i]}>
                    <th scope="row" className="px-2 py-1 text-left font-normal text-slate-700">
                      {bucket}
                    </th>
                    {series.map((s) => (
                      <td
                        key={s.metric}
                        className="px-2 py-1 text-right tabular-nums"
                        data-metric={s.metric}
                        data-value={s.values[i]}
                      >
                        {s.display[i]}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : empty ? null : (
          <div className="grid gap-6 sm:grid-cols-2 xl:grid-cols-3" data-test="trends-charts">
            {series.map((s) => {
              const data: Point[] = buckets.map((label, i) => ({
                label,
                value: s.values[i] ?? 0,
                display: s.display[i] ?? "",
              }));
              return (
                <figure key={s.metric} data-test={`chart-${s.metric}`}>
                  <figcaption className="mb-1 text-sm font-medium text-slate-700">{s.label}</figcaption>
                  <div className="h-36">
                    <ResponsiveContainer width="100%" height="100%">
                      {s.kind === "gauge" ? (
                        <AreaChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: 0 }}>
                          <CartesianGrid vertical={false} stroke="var(--chart-grid)" />
                          <XAxis
                            dataKey="label"
                            tick={{ fontSize: 10, fill: "var(--chart-axis)" }}
                            interval="preserveStartEnd"
                            minTickGap={16}
                          />
                          <YAxis
                            width={40}
                            tick={{ fontSize: 10, fill: "var(--chart-axis)" }}
                            tickFormatter={(v: number) => compact.format(v)}
                          />
                          <Tooltip content={<ChartTooltip title={s.label} />} />
                          <Area
                            type="stepAfter"
                            dataKey="value"
                            stroke="var(--chart-gauge)"
                            fill="var(--chart-gauge-fill)"
                            isAnimationActive={false}
                          />
                        </AreaChart>
                      ) : (
                        <BarChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: 0 }}>
                          <CartesianGrid vertical={false} stroke="var(--chart-grid)" />
                          <XAxis
                            dataKey="label"
                            tick={{ fontSize: 10, fill: "var(--chart-axis)" }}
                            interval="preserveStartEnd"
                            minTickGap={16}
                          />
                          <YAxis
                            width={40}
                            allowDecimals={false}
                            tick={{ fontSize: 10, fill: "var(--chart-axis)" }}
                            tickFormatter={(v: number) => compact.format(v)}
                          />
                          <Tooltip
                            cursor={{ fill: "var(--chart-cursor)" }}
                            content={<ChartTooltip title={s.label} />}
                          />
                          <Bar
                            dataKey="value"
                            fill={s.kind === "unique" ? "var(--chart-unique)" : "var(--chart-counter)"}
                            radius={[2, 2, 0, 0]}
                            isAnimationActive={false}
                          />
                        </BarChart>
                      )}
                    </ResponsiveContainer>
                  </div>
                </figure>
              );
            })}
          </div>
        )}
      </CardContent>
    </Card>
  );
}
