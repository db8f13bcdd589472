/**
 * Text Postgres cannot store: `text` and `jsonb` refuse U+0000, and JSON with an unpaired UTF-16
 * surrogate is refused by Postgres and PostgREST. Input carrying either must be refused where it
 * enters (a 400 or a form error), never left to fail at the database as a 500.
 */

export const NUL_PROBLEM = "contains a NUL character";
export const SURROGATE_PROBLEM = "contains an invalid Unicode character (unpaired surrogate)";

// A high surrogate not followed by a low one, or a low one not preceded by a high one. Without the
// `u` flag the pattern works on UTF-16 code units, which is what it must see.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSAFE_CHAR = new RegExp(`\\u0000|${LONE_SURROGATE.source}`, "g");

/** What is wrong with a string for Postgres (a sentence fragment such as "contains a NUL character"), or null. */
export function textProblem(text: string): string | null {
  if (text.includes("\u0000")) return NUL_PROBLEM;
  if (LONE_SURROGATE.test(text)) return SURROGATE_PROBLEM;
  return null;
}

export type TextPath = (string | number)[];

export interface UnsafeTextAt {
  /** Where the string is; an unsafe object key is shown escaped (`a\u0000b`), as the last segment. */
  path: TextPath;
  problem: string;
}

/** `text` with NULs and unpaired surrogates written as `\uXXXX`, for showing an unsafe key in a path. */
export function escapeUnsafeText(text: string): string {
  return text.replace(UNSAFE_CHAR, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The first string (in document order) in `value` that Postgres cannot store: strings, the items
 * of arrays, and the keys and values of plain objects, at any depth; anything else (numbers,
 * dates, files) is skipped. Iterative, so deeply nested JSON cannot overflow the stack.
 */
export function findUnsafeTextAt(value: unknown, path: TextPath = []): UnsafeTextAt | null {
  // Paths are parent links, made into arrays only for the one string reported: copying the path
  // at every level would be quadratic in the depth.
  interface Step {
    value: unknown;
    parent: Step | null;
    segment?: string | number;
    /** Set for an object key: the step checks the key itself, not a value. */
    key?: string;
  }
  const pathOf = (step: Step | null, last?: string | number): TextPath => {
    const segments: TextPath = last === undefined ? [] : [last];
    for (let s = step; s; s = s.parent) if (s.segment !== undefined) segments.push(s.segment);
    return [...path, ...segments.reverse()];
  };

  const stack: Step[] = [{ value, parent: null }];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const step = stack.pop()!;
    if (step.key !== undefined) {
      const problem = textProblem(step.key);
      if (problem)
        return { path: pathOf(step.parent, escapeUnsafeText(step.key)), problem: `key ${problem}` };
      continue;
    }
    const current = step.value;
    if (typeof current === "string") {
      const problem = textProblem(current);
      if (problem) return { path: pathOf(step), problem };
      continue;
    }
    if (typeof current !== "object" || current === null || seen.has(current)) continue;
    if (Array.isArray(current)) {
      seen.add(current);
      for (let i = current.length - 1; i >= 0; i--)
        stack.push({ value: current[i], parent: step, segment: i });
    } else if (isPlainObject(current)) {
      seen.add(current);
      const keys = Object.keys(current);
      // Reversed onto the stack: each key comes off before its value, in the object's own order.
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        stack.push({ value: current[key], parent: step, segment: key });
        stack.push({ value: undefined, parent: step, key });
      }
    }
  }
  return null;
}
