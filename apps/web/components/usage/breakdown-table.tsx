import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { formatInteger, formatPercent } from "@/lib/format";
import type { Locale } from "@/lib/i18n/config";
import type { DimensionRow } from "@/lib/usage/dashboard";

/** Totals by one dimension (route, status class, model) with each row's share. */
export function BreakdownTable(props: {
  title: string;
  keyHeader: string;
  totalHeader: string;
  rows: DimensionRow[];
  locale: Locale;
  empty: string;
  test: string;
}) {
  const sum = props.rows.reduce((total, row) => total + row.total, 0);
  return (
    <Card data-test={props.test}>
      <CardHeader>
        <CardTitle>{props.title}</CardTitle>
      </CardHeader>
      <CardContent className="overflow-x-auto">
        {props.rows.length === 0 ? (
          <p className="text-sm text-slate-500">{props.empty}</p>
        ) : (
          <table className="w-full text-sm">
            <thead>
              <tr className="text-left text-xs text-slate-500">
                <th className="pb-2 font-medium">{props.keyHeader}</th>
                <th className="pb-2 text-right font-medium">{props.totalHeader}</th>
                <th className="w-16 pb-2 text-right font-medium">%</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {props.rows.map((row) => (
                <tr key={row.key}>
                  <td className="py-1.5 pr-3 font-mono text-xs break-all text-slate-800">{row.key}</td>
                  <td className="py-1.5 text-right tabular-nums">{formatInteger(row.total, props.locale)}</td>
                  <td className="py-1.5 text-right text-slate-500 tabular-nums">
                    {formatPercent(sum ? row.total / sum : 0, props.locale)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </CardContent>
    </Card>
  );
}
