import type { EventType } from "@repo/usage";

/**
 * Links to the usage export (GET /api/usage/export), for plain `<a href download>` buttons: the
 * browser starts the streamed download at once. Used by the usage page and the platform console.
 * No server code and no zod here: client components import it.
 */

export const USAGE_EXPORT_PATH = "/api/usage/export";

export const EXPORT_GRANULARITIES = ["raw", "daily", "monthly"] as const;
export type ExportGranularity = (typeof EXPORT_GRANULARITIES)[number];
export const EXPORT_FORMATS = ["csv", "jsonl"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXPORT_SCOPES = ["org", "platform"] as const;
/** The longest range one export or query covers (the dashboard's custom range, too). */
export const MAX_RANGE_DAYS = 400;

export interface UsageExportLink {
  /** The organization; with `scope: "platform"` optional (then every organization). */
  org?: string | null;
  /** One member of `org` (owners and admins; a plain member's own id is allowed too). */
  member?: string | null;
  /** "org": the whole organization (the default for owners and admins); "platform": admins only. */
  scope?: "org" | "platform" | null;
  /** The half-open range [from, to), e.g. the dashboard's resolved period. */
  from: Date | string;
  to: Date | string;
  granularity: ExportGranularity;
  format: ExportFormat;
  /** Default: every metric. */
  metrics?: readonly EventType[] | null;
}

const DAY_MS = 86_400_000;

function isMidnightUtc(date: Date): boolean {
  return date.getTime() % DAY_MS === 0;
}

/**
 * A range edge as the export reads it: whole UTC days as dates (`to` then names the last day,
 * inclusive), anything else as an exact ISO 8601 instant (`to` exclusive).
 */
function edge(value: Date | string, which: "from" | "to"): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`usageExportHref: ${which} is not a time`);
  if (!isMidnightUtc(date)) return date.toISOString();
  const day = which === "to" ? new Date(date.getTime() - DAY_MS) : date;
  return day.toISOString().slice(0, 10);
}

/** The export URL (a same-origin path) for a scope, range, granularity and format. */
export function usageExportHref(link: UsageExportLink): string {
  const params = new URLSearchParams();
  if (link.scope === "platform") params.set("scope", "platform");
  if (link.org) params.set("org", link.org);
  if (link.member) params.set("member", link.member);
  else if (link.scope === "org") params.set("scope", "org");
  params.set("from", edge(link.from, "from"));
  params.set("to", edge(link.to, "to"));
  params.set("granularity", link.granularity);
  if (link.metrics && link.metrics.length > 0) params.set("metrics", link.metrics.join(","));
  params.set("format", link.format);
  return `${USAGE_EXPORT_PATH}?${params.toString()}`;
}
