import Link from "next/link";
import { notFound } from "next/navigation";

import { CreateScheduleForm } from "@/components/automations/automation-forms";
import { ActionForm } from "@/components/ui/action-form";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireAuth } from "@/lib/auth/server";
import { describeAutomation } from "@/lib/automations/describe";
import { getAutomation, listAutomationRuns } from "@/lib/automations/queries";
import { formatDateTime, formatDecimal, formatInteger } from "@/lib/format";
import { isLocale } from "@/lib/i18n/config";
import { getDictionary, pageTitle } from "@/lib/i18n/dictionaries";
import { interpolate, labelFor } from "@/lib/i18n/format";
import { rich } from "@/lib/i18n/rich";
import { getCurrentOrg } from "@/lib/orgs/current";
import { uuidSchema } from "@/lib/records/schemas";

import {
  createScheduleAction,
  deleteAutomationAction,
  deleteScheduleAction,
  runAutomationAction,
} from "../actions";

export const generateMetadata = pageTitle("automation");

export default async function AutomationPage({
  params,
}: {
  params: Promise<{ locale: string; id: string }>;
}) {
  const { locale, id } = await params;
  if (!isLocale(locale) || !uuidSchema.safeParse(id).success) notFound();
  const ctx = await requireAuth({ locale, next: `/${locale}/automations/${id}` });
  const { current } = await getCurrentOrg(ctx);
  if (!current) notFound();
  const automation = await getAutomation(ctx.supabase, current.id, id);
  if (!automation) notFound();
  const runs = await listAutomationRuns(ctx.supabase, current.id, automation.id);
  const canManage = current.role === "owner" || current.role === "admin";
  const dictionary = getDictionary(locale);
  const t = dictionary.automation;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <Link href={`/${locale}/automations`} className="text-sm text-brand-600 hover:underline">
            {t.back}
          </Link>
          <h1 className="mt-1 text-2xl font-semibold tracking-tight" data-test="automation-name">
            {automation.name}
          </h1>
          <p className="mt-1 text-sm text-slate-600">
            {describeAutomation(automation, dictionary.automations.describe)}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <ActionForm
            action={runAutomationAction}
            hidden={{ orgId: current.id, automationId: automation.id }}
            submitLabel={t.runNow}
            pendingLabel={t.running}
            data-test="run-automation"
          />
          {canManage ? (
            <ActionForm
              action={deleteAutomationAction}
              hidden={{ orgId: current.id, automationId: automation.id, locale }}
              submitLabel={dictionary.common.delete}
              pendingLabel={dictionary.common.deleting}
              submitVariant="danger"
              confirm={t.deleteConfirm}
            />
          ) : null}
        </div>
      </div>

      <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
        <Card className="min-w-0">
          <CardHeader>
            <CardTitle>{t.runsTitle}</CardTitle>
            <CardDescription>{t.runsDescription}</CardDescription>
          </CardHeader>
          <CardContent className="overflow-x-auto">
            {runs.length === 0 ? (
              <EmptyState title={t.runsEmpty} />
            ) : (
              <table className="w-full text-left text-sm" data-test="runs-table">
                <thead className="text-xs text-slate-500">
                  <tr>
                    <th className="py-2 pr-3 font-medium">{t.columns.started}</th>
                    <th className="py-2 pr-3 font-medium">{t.columns.trigger}</th>
                    <th className="py-2 pr-3 font-medium">{t.columns.result}</th>
                    <th className="py-2 pr-3 text-right font-medium">{t.columns.matched}</th>
                    <th className="py-2 pr-3 text-right font-medium">{t.columns.changed}</th>
                    <th className="py-2 text-right font-medium">{t.columns.duration}</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {runs.map((run) => (
                    <tr key={run.id}>
                      <td className="py-2 pr-3 whitespace-nowrap">
                        {formatDateTime(run.started_at, locale)}
                      </td>
                      <td className="py-2 pr-3">{labelFor(t.triggers, run.trigger)}</td>
                      <td className="py-2 pr-3">
                        <Badge tone={run.status === "succeeded" ? "green" : "red"}>
                          {labelFor(t.statuses, run.status)}
                        </Badge>
                      </td>
                      <td className="py-2 pr-3 text-right tabular-nums">
                        {formatInteger(run.records_matched, locale)}
                      </td>
                      <td className="py-2 pr-3 text-right tabular-nums">
                        {formatInteger(run.records_changed, locale)}
                      </td>
                      <td className="py-2 text-right whitespace-nowrap tabular-nums">
                        {interpolate(t.durationMs, { ms: formatDecimal(Number(run.duration_ms), locale) })}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </CardContent>
        </Card>

        <Card className="h-fit">
          <CardHeader>
            <CardTitle>{t.schedulesTitle}</CardTitle>
            <CardDescription>{t.schedulesDescription}</CardDescription>
          </CardHeader>
          <CardContent className="space-y-4">
            {automation.schedules.length === 0 ? (
              <p className="text-sm text-slate-500">{t.schedulesEmpty}</p>
            ) : (
              <ul className="space-y-2" data-test="schedules-list">
                {automation.schedules.map((schedule) => (
                  <li key={schedule.id} className="flex items-center justify-between gap-2">
                    <div>
                      <code className="text-sm">{schedule.cron}</code>
                      <p className="text-xs text-slate-500">
                        {rich(t.nextRun, {
                          date: (
                            <span className="whitespace-nowrap">
                              {formatDateTime(schedule.next_run_at, locale)}
                            </span>
                          ),
                        })}
                      </p>
                    </div>
                    {canManage ? (
                      <ActionForm
                        action={deleteScheduleAction}
                        hidden={{ orgId: current.id, scheduleId: schedule.id }}
                        submitLabel={t.removeSchedule}
                        pendingLabel={t.removing}
                        submitVariant="ghost"
                      />
                    ) : null}
                  </li>
                ))}
              </ul>
            )}
            {canManage ? (
              <CreateScheduleForm
                action={createScheduleAction}
                orgId={current.id}
                automationId={automation.id}
                labels={t.scheduleForm}
              />
            ) : null}
          </CardContent>
        </Card>
      </div>
    </div>
  );
}
