import "server-only";

import type { EmailOtpType } from "@supabase/supabase-js";

import { defaultLocale, localeFromPathname } from "@/lib/i18n/config";

import { linkNextPath } from "./schemas";

/** Where a link's failure sends the person: the page that asks for a new one of its kind. */
export function linkFailurePath(type: EmailOtpType | null, next: string): string {
  const locale = localeFromPathname(next);
  const page = type === "recovery" ? "forgot-password" : type === "magiclink" ? "magic-link" : "sign-in";
  return `/${locale}/${page}?error=link_invalid`;
}

/** The `next` of an auth link: a path of this app, whichever origin the template wrote. */
export function linkNext(raw: string | null, requestOrigin: string): string {
  const origins = [requestOrigin, ...(process.env.APP_URL ? [new URL(process.env.APP_URL).origin] : [])];
  return linkNextPath(raw, origins, `/${defaultLocale}`);
}

/** `path` with one more query parameter. */
export function withParam(path: string, name: string, value: string): string {
  const url = new URL(path, "https://app.invalid");
  url.searchParams.set(name, value);
  return `${url.pathname}${url.search}${url.hash}`;
}
