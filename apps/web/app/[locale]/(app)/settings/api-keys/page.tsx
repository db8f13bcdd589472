import type { Metadata } from "next";
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
import { getCurrentOrg } from "@/lib/orgs/current";

import { createApiKeyAction, revokeApiKeyAction } from "./actions";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const ctx = await requireAuth({ locale, next: `/${locale}/settings/api-keys` });
  const { current } = await getCurrentOrg(ctx);
  if (!current) notFound();
  const canManage = current.role === "owner" || current.role === "admin";

  if (!canManage) {
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold tracking-tight">API keys</h1>
        <EmptyState title="Owners and admins manage API keys">
          Ask an owner or admin of {current.name} for a key.
        </EmptyState>
      </div>
    );
  }
  const keys = await listApiKeys(ctx.supabase, current.id);

  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
      <section className="min-w-0 space-y-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">API keys</h1>
          <p className="mt-1 text-sm text-slate-500">
            Keys act for {current.name}: <code className="text-xs">Authorization: Bearer &lt;key&gt;</code> on{" "}
            <code className="text-xs">/api/v1/records</code> and{" "}
            <code className="text-xs">/api/v1/usage/events</code>.
          </p>
        </div>
        {keys.length === 0 ? (
          <EmptyState title="No API keys yet" />
        ) : (
          <Card>
            <ul className="divide-y divide-slate-100" data-test="api-keys-list">
              {keys.map((key) => (
                <li key={key.id} className="flex flex-wrap items-center justify-between gap-3 px-5 py-3">
                  <div className="min-w-0">
                    <p className="font-medium">
                      {key.name}{" "}
                      {key.revoked_at ? (
                        <Badge tone="red">revoked</Badge>
                      ) : (
                        <Badge tone="green">active</Badge>
                      )}
                    </p>
                    <p className="text-xs text-slate-500">
                      <code>{key.prefix}…</code> · created {formatDateTime(key.created_at)} ·{" "}
                      {key.last_used_at ? `last used ${formatDateTime(key.last_used_at)}` : "never used"}
                    </p>
                  </div>
                  {key.revoked_at ? null : (
                    <ActionForm
                      action={revokeApiKeyAction}
                      hidden={{ orgId: current.id, keyId: key.id }}
                      submitLabel="Revoke"
                      submitVariant="danger"
                      confirm={`Revoke “${key.name}”? Requests using it will fail.`}
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
          <CardTitle>New key</CardTitle>
          <CardDescription>The secret is shown once; we store only its hash.</CardDescription>
        </CardHeader>
        <CardContent>
          <CreateApiKeyForm action={createApiKeyAction} orgId={current.id} />
        </CardContent>
      </Card>
    </div>
  );
}
