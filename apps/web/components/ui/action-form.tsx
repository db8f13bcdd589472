"use client";

import { useActionState, useEffect, useRef, type ReactNode } from "react";

import { idleFormState, type FormState } from "@/lib/forms";

import { Button, type ButtonProps } from "./button";
import { FormMessage } from "./form-message";

export interface ActionFormProps {
  action: (prev: FormState, formData: FormData) => Promise<FormState>;
  /** Hidden fields sent with every submission (ids, locale). */
  hidden?: Record<string, string>;
  submitLabel: string;
  /** Shown on the button while the action runs; from the page's dictionary, like submitLabel. */
  pendingLabel: string;
  submitVariant?: ButtonProps["variant"];
  /** Clear the inputs after a successful submission. */
  resetOnSuccess?: boolean;
  className?: string;
  children?: ReactNode | ((state: FormState) => ReactNode);
  "data-test"?: string;
  confirm?: string;
}

/** A form bound to a server action, showing its pending state and its result inline. */
export function ActionForm({
  action,
  hidden,
  submitLabel,
  pendingLabel,
  submitVariant,
  resetOnSuccess,
  className,
  children,
  confirm,
  ...rest
}: ActionFormProps) {
  const [state, formAction, pending] = useActionState(action, idleFormState);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (resetOnSuccess && state.status === "success") formRef.current?.reset();
  }, [state, resetOnSuccess]);

  return (
    <form
      ref={formRef}
      action={formAction}
      className={className}
      data-test={rest["data-test"]}
      onSubmit={(event) => {
        if (confirm && !window.confirm(confirm)) event.preventDefault();
      }}
    >
      {Object.entries(hidden ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {typeof children === "function" ? children(state) : children}
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" variant={submitVariant} disabled={pending}>
          {pending ? pendingLabel : submitLabel}
        </Button>
        <FormMessage state={state} />
      </div>
    </form>
  );
}
