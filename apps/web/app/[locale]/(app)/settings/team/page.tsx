import type { Metadata } from "next";
import { notFound } from "next/navigation";

import { MemberRoleForm } from "@/components/settings/member-role-form";
import { AddMemberForm, CreateOrgForm } from "@/components/settings/team-forms";
import { ActionForm } from "@/components/ui/action-form";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { requireAuth } from "@/lib/auth/server";
import { isLocale } from "@/lib/i18n/config";
import { getCurrentOrg } from "@/lib/orgs/current";
import { listMembers } from "@/lib/orgs/queries";

import { addMemberAction, changeRoleAction, createOrgAction, removeMemberAction } from "./actions";

export const metadata: Metadata = { title: "Team" };

export default async function TeamPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const ctx = await requireAuth({ locale, next: `/${locale}/settings/team` });
  const { current } = await getCurrentOrg(ctx);
  if (!current) notFound();
  const members = await listMembers(ctx.supabase, current.id);
  const canManage = current.role === "owner" || current.role === "admin";

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Team</h1>
        <p className="mt-1 text-sm text-slate-500">
          Members of <span className="font-medium">{current.name}</span>. You are{" "}
          {current.role === "admin" ? "an" : "a"} <Badge tone="brand">{current.role}</Badge>.
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
                />
                {canManage || member.user_id === ctx.user.id ? (
                  <ActionForm
                    action={removeMemberAction}
                    hidden={{ orgId: current.id, userId: member.user_id }}
                    submitLabel={member.user_id === ctx.user.id ? "Leave" : "Remove"}
                    submitVariant="ghost"
                    confirm={
                      member.user_id === ctx.user.id ? "Leave this organization?" : `Remove ${member.email}?`
                    }
                  />
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      </Card>

      <div className="grid gap-6 md:grid-cols-2">
        {canManage ? (
          <Card>
            <CardHeader>
              <CardTitle>Add a member</CardTitle>
              <CardDescription>They need an account already.</CardDescription>
            </CardHeader>
            <CardContent>
              <AddMemberForm
                action={addMemberAction}
                orgId={current.id}
                canGrantOwner={current.role === "owner"}
              />
            </CardContent>
          </Card>
        ) : null}
        <Card>
          <CardHeader>
            <CardTitle>New organization</CardTitle>
            <CardDescription>You become its owner, on the Free plan.</CardDescription>
          </CardHeader>
          <CardContent>
            <CreateOrgForm action={createOrgAction} />
          </CardContent>
        </Card>
      </div>
    </div>
  );
}
