import { Fragment, type ReactNode } from "react";

/**
 * A dictionary string with elements in it: `rich("Signed in as {email}", { email: <b>…</b> })`.
 * Each `{name}` is replaced by its node, so the words around it stay translatable as a whole.
 */
export function rich(template: string, values: Record<string, ReactNode>): ReactNode {
  const parts = template.split(/\{(\w+)\}/);
  return parts.map((part, index) =>
    // split() with a capture group puts the placeholder names at the odd indexes.
    index % 2 === 1 ? <Fragment key={index}>{part in values ? values[part] : `{${part}}`}</Fragment> : part,
  );
}
