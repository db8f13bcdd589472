import type { ReactNode } from "react";

import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { cn } from "@/lib/cn";

export interface Column {
  header: string;
  /** Right-aligned, tabular figures. */
  numeric?: boolean;
}

/** A titled card holding one table; `empty` is shown instead when there are no rows. */
export function DataTable(props: {
  title: string;
  description?: ReactNode;
  columns: Column[];
  rows: { key: string; cells: ReactNode[] }[];
  empty: string;
  test: string;
  className?: string;
}) {
  return (
    <Card data-test={props.test} className={cn("min-w-0", props.className)}>
      <CardHeader>
        <CardTitle>{props.title}</CardTitle>
        {props.description ? <CardDescription>{props.description}</CardDescription> : null}
      </CardHeader>
      <CardContent className="overflow-x-auto">
        {props.rows.length === 0 ? (
          <p className="text-sm text-slate-500" data-test={`${props.test}-empty`}>
            {props.empty}
          </p>
        ) : (
          <table className="w-full text-sm">
            <thead>
              <tr className="text-left text-xs text-slate-500">
                {props.columns.map((column) => (
                  <th
                    key={column.header}
                    scope="col"
                    className={cn(
                      "pb-2 pr-3 font-medium whitespace-nowrap last:pr-0",
                      column.numeric && "text-right",
                    )}
                  >
                    {column.header}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {props.rows.map((row) => (
                <tr key={row.key} data-test={`${props.test}-row`}>
                  {row.cells.map((cell, i) => (
                    <td
                      key={props.columns[i]?.header ?? i}
                      className={cn(
                        "py-1.5 pr-3 align-top text-slate-800 last:pr-0",
                        props.columns[i]?.numeric && "text-right whitespace-nowrap tabular-nums",
                      )}
                    >
                      {cell}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </CardContent>
    </Card>
  );
}
