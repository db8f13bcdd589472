"use client";

import Link from "next/link";
import { useActionState } from "react";

import { Button } from "@/components/ui/button";
import { FieldError, FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
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
  const fieldErrors = state.status === "error" ? state.fieldErrors : undefined;
  const switchHref = mode === "sign-in" ? `/${locale}/sign-up` : `/${locale}/sign-in`;

  return (
    <form action={formAction} className="space-y-4" noValidate data-test={`${mode}-form`}>
      <input type="hidden" name="locale" value={locale} />
      {next ? <input type="hidden" name="next" value={next} /> : null}
      {mode === "sign-up" ? (
        <div>
          <Label htmlFor="displayName">{labels.displayName}</Label>
          <Input
            id="displayName"
            name="displayName"
            autoComplete="name"
            invalid={!!fieldErrors?.displayName}
          />
          <FieldError state={state} name="displayName" />
        </div>
      ) : null}
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
      <div>
        <Label htmlFor="password">{labels.password}</Label>
        <Input
          id="password"
          name="password"
          type="password"
          autoComplete={mode === "sign-in" ? "current-password" : "new-password"}
          required
          invalid={!!fieldErrors?.password}
          aria-describedby={fieldErrors?.password ? "password-error" : undefined}
        />
        <FieldError state={state} name="password" />
      </div>
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
