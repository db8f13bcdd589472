"use client";

import { useMemo, useState } from "react";

import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { interpolate } from "@/lib/i18n/format";

export interface MemberTableRow {
  id: string;
  name: string;
  email: string;
  /** Raw values, for sorting and shares. */
  values: Record<string, number>;
  /** The same values, and each value's share of the column, formatted on the server. */
  display: Record<string, string>;
  shares: Record<string, string>;
}

/** Usage per member and metric for the period, sortable by any column, with each member's share. */
export function MemberTable(props: {
  title: string;
  labels: { member: string; share: string; sortBy: string };
  metrics: { metric: string; label: string }[];
  rows: MemberTableRow[];
}) {
  const [sortBy, setSortBy] = useState<string>(props.metrics[0]?.metric ?? "name");
  const [descending, setDescending] = useState(true);
  const rows = useMemo(() => {
    const sorted = [...props.rows].sort((a, b) =>
      sortBy === "name" ? a.name.localeCompare(b.name) : (a.values[sortBy] ?? 0) - (b.values[sortBy] ?? 0),
    );
    return descending ? sorted.reverse() : sorted;
  }, [props.rows, sortBy, descending]);

  function sort(column: string) {
    if (column === sortBy) setDescending(!descending);
    else {
      setSortBy(column);
      setDescending(column !== "name");
    }
  }
  const header = (column: string, label: string, align = "text-right") => (
    <th
      key={column}
      scope="col"
      className={`px-2 pb-2 font-medium ${align}`}
      aria-sort={sortBy === column ? (descending ? "descending" : "ascending") : "none"}
    >
      <button
        type="button"
        onClick={() => sort(column)}
        className="inline-flex items-center gap-1 hover:text-slate-800"
        title={interpolate(props.labels.sortBy, { column: label })}
      >
        {label}
        <span aria-hidden>{sortBy === column ? (descending ? "↓" : "↑") : ""}</span>
      </button>
    </th>
  );

  return (
    <Card data-test="member-table">
      <CardHeader>
        <CardTitle>{props.title}</CardTitle>
      </CardHeader>
      <CardContent className="overflow-x-auto">
        <table className="w-full min-w-[48rem] text-sm">
          <thead>
            <tr className="text-xs text-slate-500">
              {header("name", props.labels.member, "text-left")}
              {props.metrics.map(({ metric, label }) => header(metric, label))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((row) => (
              <tr key={row.id} data-test="member-row">
                <td className="px-2 py-1.5">
                  <span className="block font-medium text-slate-800">{row.name}</span>
                  <span className="block text-xs text-slate-500">{row.email}</span>
                </td>
                {props.metrics.map(({ metric }) => (
                  <td key={metric} className="px-2 py-1.5 text-right tabular-nums">
                    {row.display[metric]}
                    <span className="block text-xs text-slate-500" title={props.labels.share}>
                      {row.shares[metric]}
                    </span>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </CardContent>
    </Card>
  );
}
