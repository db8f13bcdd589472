import { notFound } from "next/navigation";

import { ActionForm } from "@/components/ui/action-form";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireAuth } from "@/lib/auth/server";
import { formatDateTime } from "@/lib/format";
import { isLocale } from "@/lib/i18n/config";
import { getDictionary, pageTitle } from "@/lib/i18n/dictionaries";
import { interpolate, labelFor } from "@/lib/i18n/format";
import { listInvitationsFor } from "@/lib/invitations/queries";

import { respondToInvitationAction } from "./actions";

export const generateMetadata = pageTitle("invitations");

export default async function InvitationsPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const ctx = await requireAuth({ locale, next: `/${locale}/invitations` });
  const email = ctx.user.email ?? "";
  const invitations = await listInvitationsFor(ctx.supabase, email);
  const dictionary = getDictionary(locale);
  const t = dictionary.invitations;

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">{t.title}</h1>
        <p className="mt-1 text-sm text-slate-500">{interpolate(t.subtitle, { email })}</p>
      </div>
      {invitations.length === 0 ? (
        <EmptyState title={t.empty} />
      ) : (
        <Card>
          <ul className="divide-y divide-slate-100" data-test="my-invitations">
            {invitations.map((invitation) => (
              <li
                key={invitation.id}
                className="flex flex-wrap items-center justify-between gap-3 px-5 py-4"
                data-test="my-invitation"
              >
                <div className="min-w-0">
                  <p className="font-medium">
                    {interpolate(t.invitedAs, {
                      org: invitation.organizations?.name ?? "",
                      role: labelFor(dictionary.roles, invitation.role),
                    })}
                  </p>
                  <p className="text-xs text-slate-500">
                    {interpolate(t.expires, { date: formatDateTime(invitation.expires_at, locale) })}
                  </p>
                </div>
                <div className="flex flex-wrap items-center gap-2">
                  <ActionForm
                    action={respondToInvitationAction}
                    hidden={{ invitationId: invitation.id, answer: "accept", locale }}
                    submitLabel={t.accept}
                    pendingLabel={t.accepting}
                    data-test="invitation-accept"
                  />
                  <ActionForm
                    action={respondToInvitationAction}
                    hidden={{ invitationId: invitation.id, answer: "decline", locale }}
                    submitLabel={t.decline}
                    pendingLabel={t.declining}
                    submitVariant="ghost"
                    data-test="invitation-decline"
                  />
                </div>
              </li>
            ))}
          </ul>
        </Card>
      )}
    </div>
  );
}
