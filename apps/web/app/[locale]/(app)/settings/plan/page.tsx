import { EVENT_TYPES, limitFor, METRICS } from "@repo/usage";
import type { Metadata } from "next";
import { notFound } from "next/navigation";

import { ActionForm } from "@/components/ui/action-form";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { requireAuth } from "@/lib/auth/server";
import { formatBytes, formatDateTime, formatInteger } from "@/lib/format";
import { isLocale } from "@/lib/i18n/config";
import { getCurrentOrg } from "@/lib/orgs/current";
import { getSubscription, listPlans } from "@/lib/orgs/queries";

import { changePlanAction } from "./actions";

export const metadata: Metadata = { title: "Plan" };

export default async function PlanPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const ctx = await requireAuth({ locale, next: `/${locale}/settings/plan` });
  const { current } = await getCurrentOrg(ctx);
  if (!current) notFound();
  const [plans, subscription] = await Promise.all([
    listPlans(ctx.supabase),
    getSubscription(ctx.supabase, current.id),
  ]);
  const isOwner = current.role === "owner";

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Plan</h1>
        {subscription ? (
          <p className="mt-1 text-sm text-slate-500" data-test="current-plan">
            {current.name} is on <span className="font-medium text-slate-800">{subscription.plan_id}</span> (
            {subscription.status}); this period runs {formatDateTime(subscription.current_period_start)} –{" "}
            {formatDateTime(subscription.current_period_end)}.
          </p>
        ) : (
          <p className="mt-1 text-sm text-slate-500">{current.name} has no subscription.</p>
        )}
        {!isOwner ? <p className="mt-1 text-sm text-slate-500">Only owners can change the plan.</p> : null}
      </div>
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        {plans.map((plan) => {
          const isCurrent = plan.id === subscription?.plan_id;
          return (
            <Card
              key={plan.id}
              className={isCurrent ? "ring-2 ring-brand-500" : undefined}
              data-test={`plan-${plan.id}`}
            >
              <CardHeader>
                <CardTitle className="flex items-center justify-between">
                  {plan.name} {isCurrent ? <Badge tone="brand">current</Badge> : null}
                </CardTitle>
                <p className="mt-1 text-2xl font-semibold">
                  ${formatInteger(plan.price_cents / 100)}
                  <span className="text-sm font-normal text-slate-500">/month</span>
                </p>
              </CardHeader>
              <CardContent className="space-y-4">
                <dl className="space-y-1 text-sm">
                  {EVENT_TYPES.map((metric) => {
                    const limit = limitFor(metric, plan.limits);
                    const { label, kind } = METRICS[metric];
                    return (
                      <div key={metric} className="flex justify-between gap-2">
                        <dt className="text-slate-500">{kind === "gauge" ? label : `${label} / period`}</dt>
                        <dd className="font-medium">
                          {limit === null
                            ? "Unlimited"
                            : kind === "gauge"
                              ? formatBytes(limit)
                              : formatInteger(limit)}
                        </dd>
                      </div>
                    );
                  })}
                </dl>
                {isOwner && !isCurrent ? (
                  <ActionForm
                    action={changePlanAction}
                    hidden={{ orgId: current.id, planId: plan.id }}
                    submitLabel={`Switch to ${plan.name}`}
                    submitVariant="secondary"
                  />
                ) : null}
              </CardContent>
            </Card>
          );
        })}
      </div>
    </div>
  );
}
