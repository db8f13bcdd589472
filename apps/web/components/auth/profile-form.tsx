"use client";

import { useActionState } from "react";

import { Button } from "@/components/ui/button";
import { FieldError, FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { idleFormState, type FormState } from "@/lib/forms";

export function ProfileForm({
  action,
  displayName,
  locale,
  labels,
}: {
  action: (prev: FormState, formData: FormData) => Promise<FormState>;
  displayName: string;
  locale: string;
  labels: { displayName: string; save: string; saving: string };
}) {
  const [state, formAction, pending] = useActionState(action, idleFormState);
  return (
    <form action={formAction} className="space-y-3" data-test="profile-form">
      <input type="hidden" name="locale" value={locale} />
      <div>
        <Label htmlFor="displayName">{labels.displayName}</Label>
        <Input id="displayName" name="displayName" defaultValue={displayName} className="max-w-sm" />
        <FieldError state={state} name="displayName" />
      </div>
      <FormMessage state={state} className="max-w-sm" />
      <Button type="submit" disabled={pending}>
        {pending ? labels.saving : labels.save}
      </Button>
    </form>
  );
}
