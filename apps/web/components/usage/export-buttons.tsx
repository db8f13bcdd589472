"use client";

import { useState } from "react";

import { Select } from "@/components/ui/select";
import { EXPORT_FORMATS, EXPORT_GRANULARITIES, type ExportGranularity } from "@/lib/usage/export-links";

export interface ExportButtonsProps {
  labels: {
    csv: string;
    jsonl: string;
    label: string;
    granularity: string;
    granularities: Record<ExportGranularity, string>;
  };
  /** The export URL per granularity and format, for the page's scope and period (usageExportHref). */
  hrefs: Record<ExportGranularity, { csv: string; jsonl: string }>;
  /** Download titles per format, e.g. "Download Nov 1 – Nov 30 as CSV". */
  titles: { csv: string; jsonl: string };
  initial: ExportGranularity;
}

const linkClass =
  "inline-flex h-10 items-center justify-center gap-1.5 rounded-md border border-slate-300 bg-surface px-3 text-sm font-medium text-slate-800 hover:bg-slate-50 focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2 focus-visible:outline-none";

/**
 * The usage page's export: pick the rows (raw events, daily or monthly totals), then a plain
 * download link per format. The file streams from the server, so the browser's download starts at
 * once; there is nothing to wait for here.
 */
export function ExportButtons({ labels, hrefs, titles, initial }: ExportButtonsProps) {
  const [granularity, setGranularity] = useState<ExportGranularity>(initial);
  return (
    <div
      role="group"
      aria-label={labels.label}
      className="flex flex-wrap items-end gap-2"
      data-test="usage-export"
    >
      <label className="grid gap-1 text-xs font-medium text-slate-600">
        {labels.granularity}
        <Select
          aria-label={labels.granularity}
          data-test="usage-export-granularity"
          value={granularity}
          options={EXPORT_GRANULARITIES.map((value) => ({ value, label: labels.granularities[value] }))}
          onValueChange={(value) => setGranularity(value as ExportGranularity)}
        />
      </label>
      {EXPORT_FORMATS.map((format) => (
        <a
          key={format}
          href={hrefs[granularity][format]}
          download
          title={titles[format]}
          className={linkClass}
          data-test={`usage-export-${format}`}
        >
          <span aria-hidden>↓</span>
          {labels[format]}
        </a>
      ))}
    </div>
  );
}
