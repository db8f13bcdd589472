"use client";

import { ActionForm } from "@/components/ui/action-form";
import type { FormState } from "@/lib/forms";

export function DeleteButton({
  action,
  hidden,
  label,
  confirm,
}: {
  action: (prev: FormState, formData: FormData) => Promise<FormState>;
  hidden: Record<string, string>;
  label: string;
  confirm?: string;
}) {
  return (
    <ActionForm
      action={action}
      hidden={hidden}
      submitLabel={label}
      submitVariant="danger"
      confirm={confirm}
    />
  );
}
