import { getDictionary } from "@/lib/i18n/dictionaries";
import { requestLocale } from "@/lib/i18n/request";

/** Shown while a signed-in page's data loads: the page's shape, not a spinner. */
export default async function Loading() {
  const t = getDictionary(await requestLocale());
  return (
    <div className="animate-pulse space-y-4" aria-busy="true" aria-label={t.common.loading}>
      <div className="h-8 w-48 rounded bg-slate-200" />
      <div className="h-4 w-72 rounded bg-slate-200" />
      <div className="space-y-3 rounded-lg border border-slate-200 bg-surface p-5">
        {Array.from({ length: 5 }, (_, i) => (
          <div key={i} className="h-5 rounded bg-slate-100" />
        ))}
      </div>
    </div>
  );
}
