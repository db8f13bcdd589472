import Link from "next/link";
import { notFound } from "next/navigation";

import { CreateAutomationForm } from "@/components/automations/automation-forms";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireAuth } from "@/lib/auth/server";
import { describeAutomation } from "@/lib/automations/describe";
import { listAutomations } from "@/lib/automations/queries";
import { isLocale } from "@/lib/i18n/config";
import { getDictionary, pageTitle } from "@/lib/i18n/dictionaries";
import { interpolate, plural } from "@/lib/i18n/format";
import { getCurrentOrg } from "@/lib/orgs/current";

import { createAutomationAction } from "./actions";

export const generateMetadata = pageTitle("automations");

export default async function AutomationsPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const ctx = await requireAuth({ locale, next: `/${locale}/automations` });
  const { current } = await getCurrentOrg(ctx);
  if (!current) notFound();
  const automations = await listAutomations(ctx.supabase, current.id);
  const canManage = current.role === "owner" || current.role === "admin";
  const t = getDictionary(locale).automations;

  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
      <section className="min-w-0 space-y-4">
        <h1 className="text-2xl font-semibold tracking-tight">{t.title}</h1>
        {automations.length === 0 ? (
          <EmptyState title={t.emptyTitle}>{canManage ? t.emptyManager : t.emptyMember}</EmptyState>
        ) : (
          <Card>
            <ul className="divide-y divide-slate-100" data-test="automations-list">
              {automations.map((automation) => (
                <li
                  key={automation.id}
                  className="flex flex-wrap items-center justify-between gap-2 px-5 py-3"
                >
                  <div className="min-w-0">
                    <Link
                      href={`/${locale}/automations/${automation.id}`}
                      className="font-medium hover:text-brand-700"
                    >
                      {automation.name}
                    </Link>
                    <p className="text-xs text-slate-500">{describeAutomation(automation, t.describe)}</p>
                  </div>
                  {automation.schedules.length > 0 ? (
                    <Badge tone="brand">{plural(locale, t.schedules, automation.schedules.length)}</Badge>
                  ) : null}
                </li>
              ))}
            </ul>
          </Card>
        )}
      </section>
      {canManage ? (
        <Card className="h-fit">
          <CardHeader>
            <CardTitle>{t.newTitle}</CardTitle>
            <CardDescription>{interpolate(t.newDescription, { org: current.name })}</CardDescription>
          </CardHeader>
          <CardContent>
            <CreateAutomationForm action={createAutomationAction} orgId={current.id} labels={t.form} />
          </CardContent>
        </Card>
      ) : null}
    </div>
  );
}
