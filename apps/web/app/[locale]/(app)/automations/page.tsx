import type { Metadata } from "next";
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
import { getCurrentOrg } from "@/lib/orgs/current";

import { createAutomationAction } from "./actions";

export const metadata: Metadata = { title: "Automations" };

export default async function AutomationsPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const ctx = await requireAuth({ locale, next: `/${locale}/automations` });
  const { current } = await getCurrentOrg(ctx);
  if (!current) notFound();
  const automations = await listAutomations(ctx.supabase, current.id);
  const canManage = current.role === "owner" || current.role === "admin";

  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
      <section className="min-w-0 space-y-4">
        <h1 className="text-2xl font-semibold tracking-tight">Automations</h1>
        {automations.length === 0 ? (
          <EmptyState title="No automations yet">
            {canManage
              ? "Create one to tag or archive records in bulk."
              : "Owners and admins create automations."}
          </EmptyState>
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
                    <p className="text-xs text-slate-500">{describeAutomation(automation)}</p>
                  </div>
                  {automation.schedules.length > 0 ? (
                    <Badge tone="brand">
                      {automation.schedules.length} schedule{automation.schedules.length === 1 ? "" : "s"}
                    </Badge>
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
            <CardTitle>New automation</CardTitle>
            <CardDescription>Runs over {current.name}&apos;s records.</CardDescription>
          </CardHeader>
          <CardContent>
            <CreateAutomationForm action={createAutomationAction} orgId={current.id} />
          </CardContent>
        </Card>
      ) : null}
    </div>
  );
}
