import { DASHBOARD_PERIODS } from "@repo/usage";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";

import { DataTable } from "@/components/console/data-table";
import { ExportLink } from "@/components/console/export-link";
import { PeriodTabs } from "@/components/console/period-tabs";
import { UsageDashboardView } from "@/components/usage/dashboard-view";
import { requireAdmin } from "@/lib/auth/server";
import { loadConsoleOrg } from "@/lib/console/queries";
import { formatDay } from "@/lib/format";
import { isLocale } from "@/lib/i18n/config";
import { getDictionary, pageTitle } from "@/lib/i18n/dictionaries";
import { interpolate } from "@/lib/i18n/format";

export const generateMetadata = pageTitle("console");

const ORG_PERIODS = DASHBOARD_PERIODS.filter((period) => period !== "custom");
type OrgPeriod = (typeof ORG_PERIODS)[number];

/** One organization as its owners see it, for platform admins. `?period=billing|week|month|year`. */
export default async function ConsoleOrgPage({
  params,
  searchParams,
}: {
  params: Promise<{ locale: string; id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { locale, id } = await params;
  if (!isLocale(locale)) notFound();
  await requireAdmin({ locale, next: `/${locale}/console/analytics/orgs/${encodeURIComponent(id)}` });
  if (!z.uuid().safeParse(id).success) notFound();
  const raw = (await searchParams).period;
  const asked = Array.isArray(raw) ? raw[0] : raw;
  const period: OrgPeriod = (ORG_PERIODS as readonly string[]).includes(asked ?? "")
    ? (asked as OrgPeriod)
    : "billing";

  const org = await loadConsoleOrg(id, period);
  if (!org) notFound();

  const dictionary = getDictionary(locale);
  const t = dictionary.console;
  const data = org.dashboard;
  const billingLast = new Date(new Date(data.billing.end).getTime() - 1);

  return (
    <div className="space-y-6" data-test="console-org-page">
      <Link href={`/${locale}/console/analytics`} className="text-sm text-brand-700 hover:underline">
        {t.orgDetail.back}
      </Link>
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div className="min-w-0">
          <h1 className="text-2xl font-semibold tracking-tight break-words" data-test="console-org-name">
            {org.name}
          </h1>
          <p className="mt-1 text-sm text-slate-500" data-test="console-org-plan">
            {interpolate(t.orgDetail.plan, {
              plan: data.billing.planName,
              start: formatDay(data.billing.start, locale, true),
              end: formatDay(billingLast, locale, true),
            })}
          </p>
        </div>
        <div className="flex max-w-full min-w-0 flex-wrap items-center gap-3">
          <PeriodTabs
            label={t.periodLabel}
            periods={ORG_PERIODS}
            current={period}
            names={dictionary.usage.periods}
            href={(next) => `/${locale}/console/analytics/orgs/${org.id}?period=${next}`}
          />
          <ExportLink
            test="console-org-export"
            label={t.export}
            link={{
              scope: "platform",
              org: org.id,
              from: data.period.start,
              to: data.period.end,
              granularity: data.period.bucket === "day" ? "daily" : "monthly",
              format: "csv",
            }}
          />
        </div>
      </div>

      <UsageDashboardView data={data} locale={locale} dictionary={dictionary} />

      <DataTable
        title={t.orgDetail.members}
        test="console-org-members"
        empty={t.orgDetail.noMembers}
        columns={[{ header: t.orgDetail.name }, { header: t.orgDetail.email }, { header: t.orgDetail.role }]}
        rows={org.members.map((member) => ({
          key: member.userId,
          cells: [member.name, member.email, dictionary.roles[member.role]],
        }))}
      />
    </div>
  );
}
