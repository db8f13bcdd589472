import { EVENT_TYPES, limitFor, METRICS } from "@repo/usage";
import { notFound } from "next/navigation";

import { ActionForm } from "@/components/ui/action-form";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { requireAuth } from "@/lib/auth/server";
import { formatBytes, formatDateTime, formatInteger, formatUsdCents } from "@/lib/format";
import { isLocale } from "@/lib/i18n/config";
import { getDictionary, pageTitle } from "@/lib/i18n/dictionaries";
import { interpolate, labelFor } from "@/lib/i18n/format";
import { rich } from "@/lib/i18n/rich";
import { getCurrentOrg } from "@/lib/orgs/current";
import { getSubscription, listPlans } from "@/lib/orgs/queries";

import { changePlanAction } from "./actions";

export const generateMetadata = pageTitle("plan");

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
  const dictionary = getDictionary(locale);
  const t = dictionary.plan;

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">{t.title}</h1>
        {subscription ? (
          <p className="mt-1 text-sm text-slate-500" data-test="current-plan">
            {rich(t.current, {
              org: current.name,
              plan: <span className="font-medium text-slate-800">{subscription.plan_id}</span>,
              status: labelFor(t.statuses, subscription.status),
              start: formatDateTime(subscription.current_period_start, locale),
              end: formatDateTime(subscription.current_period_end, locale),
            })}
          </p>
        ) : (
          <p className="mt-1 text-sm text-slate-500">
            {interpolate(t.noSubscription, { org: current.name })}
          </p>
        )}
        {!isOwner ? <p className="mt-1 text-sm text-slate-500">{t.ownersOnly}</p> : null}
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
                  {plan.name} {isCurrent ? <Badge tone="brand">{t.currentBadge}</Badge> : null}
                </CardTitle>
                <p className="mt-1 text-2xl font-semibold">
                  {formatUsdCents(plan.price_cents, locale)}
                  <span className="text-sm font-normal text-slate-500">{t.perMonth}</span>
                </p>
              </CardHeader>
              <CardContent className="space-y-4">
                <div className="space-y-2">
                  <p className="text-xs font-medium text-slate-500">{t.limitsPerPeriod}</p>
                  <dl className="space-y-1 text-sm">
                    {EVENT_TYPES.map((metric) => {
                      const limit = limitFor(metric, plan.limits);
                      const { kind } = METRICS[metric];
                      const label = dictionary.metrics[metric];
                      return (
                        <div key={metric} className="flex justify-between gap-2">
                          <dt className="text-slate-500">
                            {kind === "gauge" ? interpolate(t.gaugeTotal, { metric: label }) : label}
                          </dt>
                          <dd className="font-medium">
                            {limit === null
                              ? t.unlimited
                              : kind === "gauge"
                                ? formatBytes(limit, locale)
                                : formatInteger(limit, locale)}
                          </dd>
                        </div>
                      );
                    })}
                  </dl>
                </div>
                {isOwner && !isCurrent ? (
                  <ActionForm
                    action={changePlanAction}
                    hidden={{ orgId: current.id, planId: plan.id }}
                    submitLabel={interpolate(t.switchTo, { plan: plan.name })}
                    pendingLabel={t.switching}
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
