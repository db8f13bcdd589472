import Link from "next/link";
import { notFound } from "next/navigation";

import { ChangeEmailForm } from "@/components/auth/change-email-form";
import { ProfileForm } from "@/components/auth/profile-form";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { requireAuth } from "@/lib/auth/server";
import { isLocale } from "@/lib/i18n/config";
import { getDictionary, pageTitle } from "@/lib/i18n/dictionaries";
import { interpolate, plural } from "@/lib/i18n/format";
import { listInvitationsFor } from "@/lib/invitations/queries";
import { rich } from "@/lib/i18n/rich";
import { getCurrentOrg } from "@/lib/orgs/current";
import { getOwnProfile } from "@/lib/profiles/queries";

import { changeEmailAction, updateProfileAction } from "./actions";

export const generateMetadata = pageTitle("home");

/** Notes the links from auth emails bring people back with (`/auth/confirm` and the reset page). */
function returnNotice(
  search: Record<string, string | string[] | undefined>,
  t: ReturnType<typeof getDictionary>["home"],
  email: string,
): string | null {
  if (search.password === "changed") return t.passwordChanged;
  if (search.email === "changed") return interpolate(t.emailChanged, { email });
  if (search.email === "half") return t.emailHalfConfirmed;
  return null;
}

export default async function HomePage({
  params,
  searchParams,
}: {
  params: Promise<{ locale: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const { user, supabase } = await requireAuth({ locale });
  const [profile, { current }, invitations] = await Promise.all([
    getOwnProfile(supabase, user.id),
    getCurrentOrg({ user, supabase }),
    listInvitationsFor(supabase, user.email ?? ""),
  ]);
  const t = getDictionary(locale);
  const name = profile?.display_name || user.email;
  const notice = returnNotice(await searchParams, t.home, user.email ?? "");

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight" data-test="home-title">
          {interpolate(t.home.welcome, { name: name ?? "" })}
        </h1>
        <p className="mt-1 text-sm text-slate-600">
          {rich(t.home.signedInAs, { email: <span className="font-medium">{user.email}</span> })}
        </p>
      </div>
      {notice ? (
        <p
          role="status"
          className="rounded-md bg-emerald-50 px-4 py-3 text-sm text-emerald-700"
          data-test="home-notice"
        >
          {notice}
        </p>
      ) : null}
      {invitations.length > 0 ? (
        <p className="rounded-md bg-brand-50 px-4 py-3 text-sm text-brand-700" data-test="home-invitations">
          {plural(locale, t.home.invitations, invitations.length)}{" "}
          <Link href={`/${locale}/invitations`} className="font-medium underline">
            {t.home.invitationsLink}
          </Link>
        </p>
      ) : null}
      {current ? (
        <Card data-test="home-usage">
          <CardHeader>
            <CardTitle>{interpolate(t.home.usageTitle, { org: current.name })}</CardTitle>
            <CardDescription>
              {interpolate(t.home.usageBody, { org: current.name, plan: current.planId ?? "free" })}
            </CardDescription>
          </CardHeader>
          <CardContent>
            <Link
              href={`/${locale}/usage`}
              className="font-medium text-brand-700 hover:underline"
              data-test="home-usage-link"
            >
              {t.home.usageLink}
            </Link>
          </CardContent>
        </Card>
      ) : null}
      <Card>
        <CardHeader>
          <CardTitle>{t.home.profileTitle}</CardTitle>
          <CardDescription>{t.home.profileSubtitle}</CardDescription>
        </CardHeader>
        <CardContent>
          <ProfileForm
            action={updateProfileAction}
            displayName={profile?.display_name ?? ""}
            locale={locale}
            labels={t.home.profileForm}
          />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>{t.home.emailTitle}</CardTitle>
          <CardDescription>{t.home.emailSubtitle}</CardDescription>
        </CardHeader>
        <CardContent className="space-y-3">
          <p className="text-sm text-slate-700" data-test="current-email">
            {interpolate(t.home.emailCurrent, { email: user.email ?? "" })}
          </p>
          {user.new_email ? (
            <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800" data-test="pending-email">
              {interpolate(t.home.emailPending, { email: user.new_email })}
            </p>
          ) : null}
          <ChangeEmailForm action={changeEmailAction} locale={locale} labels={t.home.emailForm} />
        </CardContent>
      </Card>
    </div>
  );
}
