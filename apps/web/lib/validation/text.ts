import { findUnsafeTextAt, textProblem, type TextPath } from "@repo/usage";
import { z } from "zod";

/**
 * Text Postgres cannot store (U+0000, unpaired UTF-16 surrogates) is refused where input enters:
 * the form-action wrappers, readJsonBody, and the schemas of text fields. One implementation,
 * shared with the usage catalog, lives in @repo/usage.
 */
export { textProblem } from "@repo/usage";

export interface UnsafeText {
  /** The dotted path of the offending string (`tags.0`, `event_data.a`), or "(root)". */
  path: string;
  /** The same path as segments, for zod issues. */
  segments: TextPath;
  /** A sentence fragment: "contains a NUL character", "key contains …". */
  problem: string;
}

/**
 * The first string in `value` (strings; the items of arrays; keys and values of plain objects, at
 * any depth) that contains U+0000 or an unpaired surrogate, or null when all text is storable.
 */
export function findUnsafeText(value: unknown, path: TextPath = []): UnsafeText | null {
  const found = findUnsafeTextAt(value, path);
  if (!found) return null;
  return { path: found.path.join(".") || "(root)", segments: found.path, problem: found.problem };
}

/** A zod check for string schemas: `z.string().max(80).check(safeTextCheck())`. */
export function safeTextCheck() {
  return z.superRefine<string>((value, ctx) => {
    const problem = textProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem, input: value });
  });
}

/** `z.string(params)` that refuses text Postgres cannot store. */
export function safeText(params?: Parameters<typeof z.string>[0]) {
  return z.string(params).check(safeTextCheck());
}

/** A zod check for any JSON-like value (objects, arrays): an issue at the path of the first unsafe string or key. */
export function safeJsonCheck() {
  return z.superRefine<unknown>((value, ctx) => {
    const found = findUnsafeText(value);
    if (found) ctx.addIssue({ code: "custom", path: found.segments, message: found.problem, input: value });
  });
}
