import { notFound, redirect } from "next/navigation";

import Link from "next/link";

import { AuthForm } from "@/components/auth/auth-form";
import { LinkError } from "@/components/auth/link-error";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { getCurrentUser } from "@/lib/auth/server";
import { safeNextPath } from "@/lib/auth/schemas";
import { isLocale } from "@/lib/i18n/config";
import { getDictionary, pageTitle } from "@/lib/i18n/dictionaries";

import { signInAction } from "../actions";

export const generateMetadata = pageTitle("signIn");

export default async function SignInPage({
  params,
  searchParams,
}: {
  params: Promise<{ locale: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const { next: rawNext, error } = await searchParams;
  const next = safeNextPath(typeof rawNext === "string" ? rawNext : undefined, "");

  if (await getCurrentUser()) redirect(next || `/${locale}`);
  const t = getDictionary(locale).auth;

  return (
    <Card>
      <CardHeader>
        <CardTitle>{t.signInTitle}</CardTitle>
        <CardDescription>{t.signInSubtitle}</CardDescription>
      </CardHeader>
      <CardContent>
        {error === "link_invalid" ? <LinkError message={t.linkInvalid} /> : null}
        <AuthForm
          mode="sign-in"
          action={signInAction}
          locale={locale}
          next={next || undefined}
          labels={{
            email: t.email,
            password: t.password,
            displayName: t.displayName,
            submit: t.signInButton,
            switchPrompt: t.noAccount,
            switchLink: t.signUpLink,
          }}
        />
        <div className="mt-4 flex flex-col items-center gap-1 border-t border-slate-100 pt-4 text-sm">
          <Link
            href={`/${locale}/forgot-password`}
            className="font-medium text-brand-600 hover:underline"
            data-test="forgot-password-link"
          >
            {t.forgotPasswordLink}
          </Link>
          <Link
            href={`/${locale}/magic-link`}
            className="font-medium text-brand-600 hover:underline"
            data-test="magic-link-link"
          >
            {t.magicLinkLink}
          </Link>
        </div>
      </CardContent>
    </Card>
  );
}
