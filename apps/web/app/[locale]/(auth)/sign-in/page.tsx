import { notFound, redirect } from "next/navigation";

import { AuthForm } from "@/components/auth/auth-form";
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
  const { next: rawNext } = await searchParams;
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
      </CardContent>
    </Card>
  );
}
