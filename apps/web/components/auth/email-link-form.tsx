"use client";

import Link from "next/link";
import { useActionState } from "react";

import { Button } from "@/components/ui/button";
import { FieldError, FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { idleFormState, type FormState } from "@/lib/forms";

/** One address, one button: "send me a reset link" and "send me a sign-in link". */
export function EmailLinkForm({
  action,
  locale,
  testId,
  labels,
}: {
  action: (prev: FormState, formData: FormData) => Promise<FormState>;
  locale: string;
  testId: string;
  labels: { email: string; submit: string; pending: string; back: string };
}) {
  const [state, formAction, pending] = useActionState(action, idleFormState);
  const fieldErrors = state.status === "error" ? state.fieldErrors : undefined;
  return (
    <form action={formAction} className="space-y-4" noValidate data-test={testId}>
      <input type="hidden" name="locale" value={locale} />
      <div>
        <Label htmlFor="email">{labels.email}</Label>
        <Input
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          required
          invalid={!!fieldErrors?.email}
          aria-describedby={fieldErrors?.email ? "email-error" : undefined}
        />
        <FieldError state={state} name="email" />
      </div>
      <FormMessage state={state} />
      <Button type="submit" className="w-full" disabled={pending} data-test="email-link-submit">
        {pending ? labels.pending : labels.submit}
      </Button>
      <p className="text-center text-sm">
        <Link href={`/${locale}/sign-in`} className="font-medium text-brand-600 hover:underline">
          {labels.back}
        </Link>
      </p>
    </form>
  );
}
