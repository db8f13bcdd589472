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

const passwordRule = z
  .string()
  .min(8, { message: "Use at least 8 characters for your password." })
  .max(72, { message: "Use at most 72 characters for your password." })
  .check(safeTextCheck());

const emailRule = z
  .email({ message: "Enter a valid email address." })
  .max(254, { message: "Enter a valid email address." })
  .check(safeTextCheck())
  .transform((email) => email.toLowerCase());

/** Forgot password and sign-in by link: one address. */
export const emailLinkSchema = z.object({ email: emailRule });

const displayNameRule = z
  .string()
  .trim()
  .max(80, { message: "Keep your name under 80 characters." })
  .check(safeTextCheck());

/** For `.refine` after any `.extend`: the password typed twice the same. */
export const passwordsMatch: [
  (input: { password: string; confirm: string }) => boolean,
  { path: string[]; message: string },
] = [
  (input) => input.password === input.confirm,
  { path: ["confirm"], message: "The two passwords differ." },
];

/** A new password, typed twice (the reset page); refine with `passwordsMatch`. */
export const newPasswordFields = z.object({
  password: passwordRule,
  confirm: z.string().check(safeTextCheck()),
});

/** An invitee's first visit: a new password, and optionally their name and the invitation. */
export const welcomeFields = newPasswordFields.extend({
  displayName: z.preprocess((value) => (value === "" ? undefined : value), displayNameRule.optional()),
  invitation: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z.uuid({ message: "That invitation link is broken." }).optional(),
  ),
});

export const changeEmailSchema = z.object({ email: emailRule });

/** The link types /auth/confirm verifies (the `type` in the email templates). */
export const emailLinkTypeSchema = z.enum([
  "signup",
  "invite",
  "magiclink",
  "recovery",
  "email_change",
  "email",
]);

export const profileSchema = z.object({
  displayName: z
    .string()
    .trim()
    .min(1, { message: "Enter a name." })
    .max(80, { message: "Keep your name under 80 characters." })
    .check(safeTextCheck()),
});

/**
 * `next` as auth links carry it: a same-origin path, or an absolute URL on one of `origins` (email
 * templates put the full redirect URL there). Anything else is `fallback`.
 */
export function linkNextPath(raw: string | null, origins: string[], fallback: string): string {
  if (!raw) return fallback;
  if (raw.startsWith("/")) return safeNextPath(raw, fallback);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fallback;
  }
  if (!origins.includes(url.origin)) return fallback;
  return safeNextPath(`${url.pathname}${url.search}${url.hash}`, fallback);
}

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
