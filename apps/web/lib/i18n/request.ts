import "server-only";

import { headers } from "next/headers";

import { PATHNAME_HEADER } from "@/lib/auth/schemas";

import { localeFromPathname, type Locale } from "./config";

/**
 * The locale of the path being requested, for the files Next.js renders without route params
 * (not-found, loading, global-not-found). proxy.ts puts the path on every page request.
 */
export async function requestLocale(): Promise<Locale> {
  return localeFromPathname((await headers()).get(PATHNAME_HEADER) ?? "");
}
