import { notFound } from "next/navigation";

import { MemberRoleForm } from "@/components/settings/member-role-form";
import { CreateOrgForm, InviteForm } from "@/components/settings/team-forms";
import { ActionForm } from "@/components/ui/action-form";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { requireAuth } from "@/lib/auth/server";
import { isLocale } from "@/lib/i18n/config";
import { getDictionary, pageTitle } from "@/lib/i18n/dictionaries";
import { formatDateTime } from "@/lib/format";
import { interpolate, labelFor } from "@/lib/i18n/format";
import { listPendingInvitations } from "@/lib/invitations/queries";
import { rich } from "@/lib/i18n/rich";
import { getCurrentOrg } from "@/lib/orgs/current";
import { listMembers } from "@/lib/orgs/queries";

import {
  changeRoleAction,
  createOrgAction,
  inviteAction,
  removeMemberAction,
  resendInvitationAction,
  revokeInvitationAction,
} from "./actions";

export const generateMetadata = pageTitle("team");

export default async function TeamPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const ctx = await requireAuth({ locale, next: `/${locale}/settings/team` });
  const { current } = await getCurrentOrg(ctx);
  if (!current) notFound();
  const canManage = current.role === "owner" || current.role === "admin";
  const [members, invitations] = await Promise.all([
    listMembers(ctx.supabase, current.id),
    canManage ? listPendingInvitations(ctx.supabase, current.id) : Promise.resolve([]),
  ]);
  const dictionary = getDictionary(locale);
  const t = dictionary.team;
  const roleLabels = { role: t.roleForm.role, roles: dictionary.roles };

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">{t.title}</h1>
        <p className="mt-1 text-sm text-slate-500">
          {rich(t.membersOf, { org: <span className="font-medium">{current.name}</span> })}{" "}
          {rich(t.yourRole, {
            role: <Badge tone="brand">{labelFor(dictionary.roles, current.role)}</Badge>,
          })}
        </p>
      </div>

      <Card>
        <ul className="divide-y divide-slate-100" data-test="members-list">
          {members.map((member) => (
            <li key={member.user_id} className="flex flex-wrap items-center justify-between gap-3 px-5 py-3">
              <div className="min-w-0">
                <p className="truncate font-medium">{member.displayName ?? member.email}</p>
                <p className="truncate text-xs text-slate-500">{member.email}</p>
              </div>
              <div className="flex items-center gap-2">
                <MemberRoleForm
                  action={changeRoleAction}
                  orgId={current.id}
                  userId={member.user_id}
                  role={member.role}
                  disabled={!canManage || (member.role === "owner" && current.role !== "owner")}
                  locale={locale}
                  labels={roleLabels}
                />
                {canManage || member.user_id === ctx.user.id ? (
                  <ActionForm
                    action={removeMemberAction}
                    hidden={{ orgId: current.id, userId: member.user_id, locale }}
                    submitLabel={member.user_id === ctx.user.id ? t.leave : t.remove}
                    pendingLabel={t.removing}
                    submitVariant="ghost"
                    confirm={
                      member.user_id === ctx.user.id
                        ? t.leaveConfirm
                        : interpolate(t.removeConfirm, { email: member.email ?? "" })
                    }
                  />
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      </Card>

      {canManage ? (
        <Card>
          <CardHeader>
            <CardTitle>{t.invitationsTitle}</CardTitle>
            <CardDescription>{t.invitationsDescription}</CardDescription>
          </CardHeader>
          {invitations.length === 0 ? (
            <CardContent>
              <p className="text-sm text-slate-500" data-test="invitations-empty">
                {t.invitationsEmpty}
              </p>
            </CardContent>
          ) : (
            <ul className="divide-y divide-slate-100 border-t border-slate-100" data-test="invitations-list">
              {invitations.map((invitation) => {
                return (
                  <li
                    key={invitation.id}
                    className="flex flex-wrap items-center justify-between gap-3 px-5 py-3"
                    data-test="invitation"
                  >
                    <div className="min-w-0">
                      <p className="truncate font-medium">{invitation.email}</p>
                      <p className="text-xs text-slate-500">
                        {interpolate(t.invitedAs, {
                          role: labelFor(dictionary.roles, invitation.role),
                          date: formatDateTime(invitation.created_at, locale),
                        })}{" "}
                        ·{" "}
                        {invitation.expired ? (
                          <Badge tone="amber">{t.expired}</Badge>
                        ) : (
                          interpolate(t.expires, { date: formatDateTime(invitation.expires_at, locale) })
                        )}
                      </p>
                    </div>
                    <div className="flex flex-wrap items-center gap-2">
                      <ActionForm
                        action={resendInvitationAction}
                        hidden={{ orgId: current.id, invitationId: invitation.id, locale }}
                        submitLabel={t.resend}
                        pendingLabel={t.resending}
                        submitVariant="secondary"
                        data-test="invitation-resend"
                      />
                      <ActionForm
                        action={revokeInvitationAction}
                        hidden={{ orgId: current.id, invitationId: invitation.id, locale }}
                        submitLabel={t.revoke}
                        pendingLabel={t.revoking}
                        submitVariant="ghost"
                        confirm={interpolate(t.revokeConfirm, { email: invitation.email })}
                        data-test="invitation-revoke"
                      />
                    </div>
                  </li>
                );
              })}
            </ul>
          )}
        </Card>
      ) : null}

      <div className="grid gap-6 md:grid-cols-2">
        {canManage ? (
          <Card>
            <CardHeader>
              <CardTitle>{t.inviteTitle}</CardTitle>
              <CardDescription>{t.inviteDescription}</CardDescription>
            </CardHeader>
            <CardContent>
              <InviteForm
                action={inviteAction}
                orgId={current.id}
                locale={locale}
                canGrantOwner={current.role === "owner"}
                labels={{ ...t.inviteForm, roles: dictionary.roles }}
              />
            </CardContent>
          </Card>
        ) : null}
        <Card>
          <CardHeader>
            <CardTitle>{t.newOrgTitle}</CardTitle>
            <CardDescription>{t.newOrgDescription}</CardDescription>
          </CardHeader>
          <CardContent>
            <CreateOrgForm action={createOrgAction} labels={t.newOrgForm} />
          </CardContent>
        </Card>
      </div>
    </div>
  );
}
