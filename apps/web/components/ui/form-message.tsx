import type { FormState } from "@/lib/forms";
import { cn } from "@/lib/cn";

/** The inline result of a form submission: an error in red (announced), or a success note. */
export function FormMessage({ state, className }: { state: FormState; className?: string }) {
  if (state.status === "idle") return null;
  const isError = state.status === "error";
  return (
    <p
      role={isError ? "alert" : "status"}
      data-test={isError ? "form-error" : "form-success"}
      className={cn(
        "rounded-md px-3 py-2 text-sm",
        isError ? "bg-red-50 text-red-700" : "bg-emerald-50 text-emerald-700",
        className,
      )}
    >
      {state.message}
    </p>
  );
}

/** The error under one field, when the last submission rejected it. */
export function FieldError({ state, name }: { state: FormState; name: string }) {
  const message = state.status === "error" ? state.fieldErrors?.[name] : undefined;
  if (!message) return null;
  return (
    <p id={`${name}-error`} className="mt-1 text-xs text-red-600">
      {message}
    </p>
  );
}
