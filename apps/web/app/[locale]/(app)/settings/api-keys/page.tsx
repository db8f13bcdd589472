import { notFound } from "next/navigation";

import { CreateApiKeyForm } from "@/components/settings/create-api-key-form";
import { ActionForm } from "@/components/ui/action-form";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { listApiKeys } from "@/lib/api-keys/queries";
import { requireAuth } from "@/lib/auth/server";
import { formatDateTime } from "@/lib/format";
import { isLocale } from "@/lib/i18n/config";
import { getDictionary, pageTitle } from "@/lib/i18n/dictionaries";
import { interpolate } from "@/lib/i18n/format";
import { rich } from "@/lib/i18n/rich";
import { getCurrentOrg } from "@/lib/orgs/current";

import { createApiKeyAction, revokeApiKeyAction } from "./actions";

export const generateMetadata = pageTitle("apiKeys");

export default async function ApiKeysPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const ctx = await requireAuth({ locale, next: `/${locale}/settings/api-keys` });
  const { current } = await getCurrentOrg(ctx);
  if (!current) notFound();
  const canManage = current.role === "owner" || current.role === "admin";
  const t = getDictionary(locale).apiKeys;

  if (!canManage) {
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold tracking-tight">{t.title}</h1>
        <EmptyState title={t.managersOnlyTitle}>
          {interpolate(t.managersOnlyBody, { org: current.name })}
        </EmptyState>
      </div>
    );
  }
  const keys = await listApiKeys(ctx.supabase, current.id);

  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
      <section className="min-w-0 space-y-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">{t.title}</h1>
          <p className="mt-1 text-sm text-slate-500">
            {rich(t.intro, {
              org: current.name,
              header: <code className="text-xs">Authorization: Bearer &lt;key&gt;</code>,
              records: <code className="text-xs">/api/v1/records</code>,
              events: <code className="text-xs">/api/v1/usage/events</code>,
            })}
          </p>
        </div>
        {keys.length === 0 ? (
          <EmptyState title={t.empty} />
        ) : (
          <Card>
            <ul className="divide-y divide-slate-100" data-test="api-keys-list">
              {keys.map((key) => (
                <li key={key.id} className="flex flex-wrap items-center justify-between gap-3 px-5 py-3">
                  <div className="min-w-0">
                    <p className="font-medium">
                      {key.name}{" "}
                      {key.revoked_at ? (
                        <Badge tone="red">{t.revoked}</Badge>
                      ) : (
                        <Badge tone="green">{t.active}</Badge>
                      )}
                    </p>
                    <p className="text-xs text-slate-500">
                      <code>{key.prefix}…</code> ·{" "}
                      {interpolate(t.created, { date: formatDateTime(key.created_at, locale) })} ·{" "}
                      {key.last_used_at
                        ? interpolate(t.lastUsed, { date: formatDateTime(key.last_used_at, locale) })
                        : t.neverUsed}
                    </p>
                  </div>
                  {key.revoked_at ? null : (
                    <ActionForm
                      action={revokeApiKeyAction}
                      hidden={{ orgId: current.id, keyId: key.id }}
                      submitLabel={t.revoke}
                      pendingLabel={t.revoking}
                      submitVariant="danger"
                      confirm={interpolate(t.revokeConfirm, { name: key.name })}
                    />
                  )}
                </li>
              ))}
            </ul>
          </Card>
        )}
      </section>
      <Card className="h-fit">
        <CardHeader>
          <CardTitle>{t.newTitle}</CardTitle>
          <CardDescription>{t.newDescription}</CardDescription>
        </CardHeader>
        <CardContent>
          <CreateApiKeyForm action={createApiKeyAction} orgId={current.id} labels={t.form} />
        </CardContent>
      </Card>
    </div>
  );
}
