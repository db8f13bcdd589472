import { notFound } from "next/navigation";

import { NewPasswordForm } from "@/components/auth/new-password-form";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { requireAuth } from "@/lib/auth/server";
import { isLocale } from "@/lib/i18n/config";
import { getDictionary, pageTitle } from "@/lib/i18n/dictionaries";
import { interpolate, labelFor } from "@/lib/i18n/format";
import { getInvitationFor } from "@/lib/invitations/queries";
import { uuidSchema } from "@/lib/records/schemas";

import { welcomeAction } from "../actions";

export const generateMetadata = pageTitle("welcome");

/** Where an invitation link lands: the invitee (signed in by the link) chooses a password and joins. */
export default async function WelcomePage({
  params,
  searchParams,
}: {
  params: Promise<{ locale: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const { invitation: rawInvitation } = await searchParams;
  const invitationId = uuidSchema.safeParse(rawInvitation);
  const ctx = await requireAuth({
    locale,
    next: `/${locale}/welcome${invitationId.success ? `?invitation=${invitationId.data}` : ""}`,
  });
  const email = ctx.user.email ?? "";
  const invitation = invitationId.success
    ? await getInvitationFor(ctx.supabase, email, invitationId.data)
    : null;
  const dictionary = getDictionary(locale);
  const t = dictionary.auth;

  return (
    <Card>
      <CardHeader>
        <CardTitle>{t.welcome.title}</CardTitle>
        <CardDescription data-test="welcome-invitation">
          {invitation
            ? interpolate(t.welcome.invited, {
                org: invitation.organizations?.name ?? "",
                role: labelFor(dictionary.roles, invitation.role),
                email,
              })
            : interpolate(t.welcome.noInvitation, { email })}
        </CardDescription>
      </CardHeader>
      <CardContent>
        <NewPasswordForm
          action={welcomeAction}
          locale={locale}
          hidden={invitation ? { invitation: invitation.id } : {}}
          askName
          testId="welcome-form"
          labels={{
            displayName: t.displayName,
            password: t.password,
            confirm: t.reset.confirm,
            submit: t.welcome.submit,
            pending: t.welcome.pending,
          }}
        />
      </CardContent>
    </Card>
  );
}
