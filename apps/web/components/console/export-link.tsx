import { usageExportHref, type UsageExportLink } from "@/lib/usage/export-links";

/** A platform export download (CSV): a plain link, so the streamed file starts at once. */
export function ExportLink({ link, label, test }: { link: UsageExportLink; label: string; test: string }) {
  return (
    <a
      href={usageExportHref(link)}
      download
      data-test={test}
      className="inline-flex h-8 items-center rounded-md border border-slate-300 bg-surface px-3 text-sm font-medium text-slate-700 hover:bg-slate-50"
    >
      {label}
    </a>
  );
}
