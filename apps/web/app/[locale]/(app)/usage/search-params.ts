import { DASHBOARD_PERIODS, MAX_CUSTOM_DAYS, type DashboardPeriodName } from "@repo/usage";
import { parseAsIsoDate, parseAsString, parseAsStringLiteral } from "nuqs/server";
import { z } from "zod";

/**
 * The usage page's URL state, parsed once. The server parses with zod and turns every bad value
 * into a problem the page shows (falling back to a sensible default, never crashing, never showing
 * another organization's data); the client pickers write the same keys through nuqs.
 */

export const VIEWS = ["charts", "table"] as const;

/** nuqs parsers for the client controls: the same keys and values the server reads. */
export const usageQueryParsers = {
  org: parseAsString,
  period: parseAsStringLiteral(DASHBOARD_PERIODS).withDefault("billing"),
  from: parseAsIsoDate,
  to: parseAsIsoDate,
  member: parseAsString,
  view: parseAsStringLiteral(VIEWS).withDefault("charts"),
};

export type UsageProblem =
  | { code: "period_unknown"; value: string }
  | { code: "date_invalid"; field: "from" | "to" }
  | { code: "custom_incomplete" }
  | { code: "custom_backwards" }
  | { code: "custom_too_long" }
  | { code: "org_invalid" }
  | { code: "member_invalid" };

export interface UsageSearchParams {
  org: string | null;
  period: DashboardPeriodName;
  custom: { from: Date; to: Date } | undefined;
  member: string | null;
  wantsOrgScope: boolean;
  view: (typeof VIEWS)[number];
}

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
const date = z.iso.date();
const uuid = z.uuid();

export function parseUsageSearchParams(raw: Record<string, string | string[] | undefined>): {
  params: UsageSearchParams;
  problems: UsageProblem[];
} {
  const problems: UsageProblem[] = [];
  const org = single(raw.org) ?? null;
  const member = single(raw.member) ?? null;
  const periodRaw = single(raw.period);
  let period: DashboardPeriodName = "billing";
  if (periodRaw !== undefined) {
    if ((DASHBOARD_PERIODS as readonly string[]).includes(periodRaw))
      period = periodRaw as DashboardPeriodName;
    else problems.push({ code: "period_unknown", value: periodRaw.slice(0, 40) });
  }

  let custom: UsageSearchParams["custom"];
  if (period === "custom") {
    const fromRaw = single(raw.from);
    const toRaw = single(raw.to);
    const from = fromRaw === undefined ? undefined : date.safeParse(fromRaw);
    const to = toRaw === undefined ? undefined : date.safeParse(toRaw);
    if (from && !from.success) problems.push({ code: "date_invalid", field: "from" });
    if (to && !to.success) problems.push({ code: "date_invalid", field: "to" });
    if (!from || !to) problems.push({ code: "custom_incomplete" });
    if (from?.success && to?.success) {
      const start = new Date(`${from.data}T00:00:00Z`);
      const end = new Date(`${to.data}T00:00:00Z`);
      const days = (end.getTime() - start.getTime()) / 86_400_000 + 1;
      if (days < 1) problems.push({ code: "custom_backwards" });
      else if (days > MAX_CUSTOM_DAYS) problems.push({ code: "custom_too_long" });
      else custom = { from: start, to: end };
    }
    if (!custom) period = "billing";
  }

  const orgOk = org === null || uuid.safeParse(org).success;
  if (!orgOk) problems.push({ code: "org_invalid" });
  const memberOk = member === null || uuid.safeParse(member).success;
  if (!memberOk) problems.push({ code: "member_invalid" });
  const view = single(raw.view) === "table" ? "table" : "charts";

  return {
    params: {
      org: orgOk ? org : null,
      period,
      custom,
      member: memberOk ? member : null,
      wantsOrgScope: single(raw.scope) === "org",
      view,
    },
    problems,
  };
}
