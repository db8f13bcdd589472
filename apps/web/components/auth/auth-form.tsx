"use client";

import Link from "next/link";
import { useActionState } from "react";

import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";
import { TextField } from "@/components/ui/text-field";
import { idleFormState, type FormState } from "@/lib/forms";

type Action = (prev: FormState, formData: FormData) => Promise<FormState>;

export interface AuthFormProps {
  mode: "sign-in" | "sign-up";
  action: Action;
  locale: string;
  next?: string;
  labels: {
    email: string;
    password: string;
    displayName: string;
    submit: string;
    switchPrompt: string;
    switchLink: string;
  };
}

export function AuthForm({ mode, action, locale, next, labels }: AuthFormProps) {
  const [state, formAction, pending] = useActionState(action, idleFormState);
  const switchHref = mode === "sign-in" ? `/${locale}/sign-up` : `/${locale}/sign-in`;

  return (
    <form action={formAction} className="space-y-4" noValidate data-test={`${mode}-form`}>
      <input type="hidden" name="locale" value={locale} />
      {next ? <input type="hidden" name="next" value={next} /> : null}
      {mode === "sign-up" ? (
        <TextField state={state} name="displayName" label={labels.displayName} autoComplete="name" />
      ) : null}
      <TextField state={state} name="email" label={labels.email} type="email" autoComplete="email" required />
      <TextField
        state={state}
        name="password"
        label={labels.password}
        type="password"
        autoComplete={mode === "sign-in" ? "current-password" : "new-password"}
        required
      />
      <FormMessage state={state} />
      <Button type="submit" className="w-full" disabled={pending} data-test="auth-submit">
        {pending ? "…" : labels.submit}
      </Button>
      <p className="text-center text-sm text-slate-600">
        {labels.switchPrompt}{" "}
        <Link href={switchHref} className="font-medium text-brand-600 hover:underline">
          {labels.switchLink}
        </Link>
      </p>
    </form>
  );
}
