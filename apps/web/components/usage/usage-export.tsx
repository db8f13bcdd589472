import type { DashboardScope } from "@/lib/usage/dashboard";
import { EXPORT_GRANULARITIES, usageExportHref, type ExportGranularity } from "@/lib/usage/export-links";

import { ExportButtons, type ExportButtonsProps } from "./export-buttons";

export interface UsageExportProps {
  orgId: string;
  /** What the page shows: the organization, one member, or the viewer's own usage. */
  scope: DashboardScope;
  /** The page's period, half-open ISO instants. */
  start: string;
  end: string;
  bucket: "day" | "month";
  labels: ExportButtonsProps["labels"];
  titles: ExportButtonsProps["titles"];
}

/** The usage page's export buttons for the scope and period it shows (server-rendered links). */
export function UsageExport({ orgId, scope, start, end, bucket, labels, titles }: UsageExportProps) {
  const href = (granularity: ExportGranularity, format: "csv" | "jsonl") =>
    usageExportHref({
      org: orgId,
      scope: scope.kind === "org" ? "org" : null,
      member: scope.kind === "org" ? null : scope.userId,
      from: start,
      to: end,
      granularity,
      format,
    });
  const hrefs = Object.fromEntries(
    EXPORT_GRANULARITIES.map((granularity) => [
      granularity,
      { csv: href(granularity, "csv"), jsonl: href(granularity, "jsonl") },
    ]),
  ) as ExportButtonsProps["hrefs"];
  return (
    <ExportButtons
      labels={labels}
      hrefs={hrefs}
      titles={titles}
      initial={bucket === "day" ? "daily" : "monthly"}
    />
  );
}
