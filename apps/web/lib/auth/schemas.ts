import { z } from "zod";

import { safeTextCheck } from "@/lib/validation/text";

export const signInSchema = z.object({
  email: z.email({ message: "Enter a valid email address." }).check(safeTextCheck()),
  password: z.string().min(1, { message: "Enter your password." }).check(safeTextCheck()),
  next: z.string().optional(),
});

export const signUpSchema = z.object({
  email: z.email({ message: "Enter a valid email address." }).check(safeTextCheck()),
  password: z
    .string()
    .min(8, { message: "Use at least 8 characters for your password." })
    .max(72, { message: "Use at most 72 characters for your password." })
    .check(safeTextCheck()),
  displayName: z
    .string()
    .trim()
    .max(80, { message: "Keep your name under 80 characters." })
    .check(safeTextCheck())
    .optional(),
});

export const profileSchema = z.object({
  displayName: z
    .string()
    .trim()
    .min(1, { message: "Enter a name." })
    .max(80, { message: "Keep your name under 80 characters." })
    .check(safeTextCheck()),
});

/** The request header proxy.ts sets to the path being requested. */
export const PATHNAME_HEADER = "x-meterline-pathname";

// A dummy origin to resolve `next` against: whatever leaves it is not one of our paths.
const NEXT_BASE = new URL("https://next-path.invalid");

/**
 * Only same-origin paths are followed after sign-in, never another site (open redirect). Returns
 * the normalised `pathname + search + hash`, or `fallback`.
 */
export function safeNextPath(next: string | undefined, fallback: string): string {
  if (!next || !next.startsWith("/") || next.startsWith("//")) return fallback;
  // URL parsers drop tabs and newlines and read a backslash as `/`: `/<tab>/evil.example` and
  // `/<backslash>evil.example` both become `//evil.example`.
  if (/[\s\p{Cc}\\]/u.test(next)) return fallback;

  let url: URL;
  try {
    url = new URL(next, NEXT_BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== NEXT_BASE.origin) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Dot segments can normalise into a protocol-relative URL: `/a/..//evil.example` → `//evil.example`.
  return path.startsWith("//") ? fallback : path;
}
