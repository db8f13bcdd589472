import { FieldError } from "@/components/ui/form-message";
import { Input, type InputProps } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { FormState } from "@/lib/forms";

/**
 * A labelled input with the error the last submission gave it underneath: marked invalid and
 * described by that error for screen readers. `name` is also the input's id.
 */
export function TextField({
  state,
  name,
  label,
  ...props
}: { state: FormState; name: string; label: string } & Omit<InputProps, "id" | "name" | "invalid">) {
  const invalid = state.status === "error" && !!state.fieldErrors?.[name];
  return (
    <div>
      <Label htmlFor={name}>{label}</Label>
      <Input
        id={name}
        name={name}
        invalid={invalid}
        aria-describedby={invalid ? `${name}-error` : undefined}
        {...props}
      />
      <FieldError state={state} name={name} />
    </div>
  );
}
