import { notFound } from "next/navigation";

import { EmailLinkForm } from "@/components/auth/email-link-form";
import { LinkError } from "@/components/auth/link-error";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { isLocale } from "@/lib/i18n/config";
import { getDictionary, pageTitle } from "@/lib/i18n/dictionaries";

import { forgotPasswordAction } from "../actions";

export const generateMetadata = pageTitle("forgotPassword");

export default async function ForgotPasswordPage({
  params,
  searchParams,
}: {
  params: Promise<{ locale: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const { error } = await searchParams;
  const t = getDictionary(locale).auth;

  return (
    <Card>
      <CardHeader>
        <CardTitle>{t.forgot.title}</CardTitle>
        <CardDescription>{t.forgot.subtitle}</CardDescription>
      </CardHeader>
      <CardContent>
        {error === "link_invalid" ? <LinkError message={t.linkInvalid} /> : null}
        <EmailLinkForm
          action={forgotPasswordAction}
          locale={locale}
          testId="forgot-password-form"
          labels={{
            email: t.email,
            submit: t.forgot.submit,
            pending: t.forgot.pending,
            back: t.backToSignIn,
          }}
        />
      </CardContent>
    </Card>
  );
}
