import { z } from "zod";

export const signInSchema = z.object({
  email: z.email({ message: "Enter a valid email address." }),
  password: z.string().min(1, { message: "Enter your password." }),
  next: z.string().optional(),
});

export const signUpSchema = z.object({
  email: z.email({ message: "Enter a valid email address." }),
  password: z.string().min(8, { message: "Use at least 8 characters for your password." }).max(72, {
    message: "Use at most 72 characters for your password.",
  }),
  displayName: z.string().trim().max(80, { message: "Keep your name under 80 characters." }).optional(),
});

export const profileSchema = z.object({
  displayName: z
    .string()
    .trim()
    .min(1, { message: "Enter a name." })
    .max(80, { message: "Keep your name under 80 characters." }),
});

/** The request header proxy.ts sets to the path being requested. */
export const PATHNAME_HEADER = "x-meterline-pathname";

/** Only same-site paths are followed after sign-in, never an absolute URL (open redirect). */
export function safeNextPath(next: string | undefined, fallback: string): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.includes("\\")) return fallback;
  return next;
}
