import { notFound } from "next/navigation";

import { NewPasswordForm } from "@/components/auth/new-password-form";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { requireAuth } from "@/lib/auth/server";
import { isLocale } from "@/lib/i18n/config";
import { getDictionary, pageTitle } from "@/lib/i18n/dictionaries";
import { interpolate } from "@/lib/i18n/format";

import { resetPasswordAction } from "../actions";

export const generateMetadata = pageTitle("resetPassword");

/** Where a password reset link lands, signed in by the link (or normally: it works for anyone signed in). */
export default async function ResetPasswordPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const { user } = await requireAuth({ locale, next: `/${locale}/reset-password` });
  const t = getDictionary(locale).auth;

  return (
    <Card>
      <CardHeader>
        <CardTitle>{t.reset.title}</CardTitle>
        <CardDescription>{interpolate(t.reset.subtitle, { email: user.email ?? "" })}</CardDescription>
      </CardHeader>
      <CardContent>
        <NewPasswordForm
          action={resetPasswordAction}
          locale={locale}
          testId="reset-password-form"
          labels={{
            displayName: t.displayName,
            password: t.reset.password,
            confirm: t.reset.confirm,
            submit: t.reset.submit,
            pending: t.reset.pending,
          }}
        />
      </CardContent>
    </Card>
  );
}
