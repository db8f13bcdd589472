import { notFound, redirect } from "next/navigation";

import { AuthForm } from "@/components/auth/auth-form";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { getCurrentUser } from "@/lib/auth/server";
import { isLocale } from "@/lib/i18n/config";
import { getDictionary, pageTitle } from "@/lib/i18n/dictionaries";

import { signUpAction } from "../actions";

export const generateMetadata = pageTitle("signUp");

export default async function SignUpPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  if (await getCurrentUser()) redirect(`/${locale}`);
  const t = getDictionary(locale).auth;

  return (
    <Card>
      <CardHeader>
        <CardTitle>{t.signUpTitle}</CardTitle>
        <CardDescription>{t.signUpSubtitle}</CardDescription>
      </CardHeader>
      <CardContent>
        <AuthForm
          mode="sign-up"
          action={signUpAction}
          locale={locale}
          labels={{
            email: t.email,
            password: t.password,
            displayName: t.displayName,
            submit: t.signUpButton,
            switchPrompt: t.haveAccount,
            switchLink: t.signInLink,
          }}
        />
      </CardContent>
    </Card>
  );
}
