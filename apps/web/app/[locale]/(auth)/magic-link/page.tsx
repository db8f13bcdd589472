import { notFound } from "next/navigation";

import { EmailLinkForm } from "@/components/auth/email-link-form";
import { LinkError } from "@/components/auth/link-error";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { isLocale } from "@/lib/i18n/config";
import { getDictionary, pageTitle } from "@/lib/i18n/dictionaries";

import { magicLinkAction } from "../actions";

export const generateMetadata = pageTitle("magicLink");

export default async function MagicLinkPage({
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
        <CardTitle>{t.magic.title}</CardTitle>
        <CardDescription>{t.magic.subtitle}</CardDescription>
      </CardHeader>
      <CardContent>
        {error === "link_invalid" ? <LinkError message={t.linkInvalid} /> : null}
        <EmailLinkForm
          action={magicLinkAction}
          locale={locale}
          testId="magic-link-form"
          labels={{ email: t.email, submit: t.magic.submit, pending: t.magic.pending, back: t.backToSignIn }}
        />
      </CardContent>
    </Card>
  );
}
