import Link from "next/link";

import { cn } from "@/lib/cn";

/** Period choices as plain links (the page renders on the server for each). */
export function PeriodTabs<P extends string>(props: {
  label: string;
  periods: readonly P[];
  current: P;
  names: Record<P, string>;
  href: (period: P) => string;
}) {
  return (
    <nav
      aria-label={props.label}
      className="inline-flex max-w-full overflow-x-auto rounded-md border border-slate-200 bg-surface p-0.5 text-sm"
    >
      {props.periods.map((period) => (
        <Link
          key={period}
          href={props.href(period)}
          aria-current={period === props.current ? "page" : undefined}
          data-test={`console-period-${period}`}
          className={cn(
            "rounded px-3 py-1 whitespace-nowrap",
            period === props.current
              ? "bg-brand-600 font-medium text-white"
              : "text-slate-600 hover:bg-slate-100",
          )}
        >
          {props.names[period]}
        </Link>
      ))}
    </nav>
  );
}
