import Link from "next/link";
import { notFound } from "next/navigation";

import { ProfileForm } from "@/components/auth/profile-form";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { requireAuth } from "@/lib/auth/server";
import { isLocale } from "@/lib/i18n/config";
import { getDictionary, pageTitle } from "@/lib/i18n/dictionaries";
import { interpolate } from "@/lib/i18n/format";
import { rich } from "@/lib/i18n/rich";
import { getCurrentOrg } from "@/lib/orgs/current";
import { getOwnProfile } from "@/lib/profiles/queries";

import { updateProfileAction } from "./actions";

export const generateMetadata = pageTitle("home");

export default async function HomePage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const { user, supabase } = await requireAuth({ locale });
  const [profile, { current }] = await Promise.all([
    getOwnProfile(supabase, user.id),
    getCurrentOrg({ user, supabase }),
  ]);
  const t = getDictionary(locale);
  const name = profile?.display_name || user.email;

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
            labels={t.home.profileForm}
          />
        </CardContent>
      </Card>
    </div>
  );
}
