import "server-only";

import { headers } from "next/headers";

/**
 * The app's public origin, for links in auth emails: APP_URL when set (it must be on the project's
 * redirect allow list), else the origin this request came to.
 */
export async function appOrigin(): Promise<string> {
  const configured = process.env.APP_URL;
  if (configured) return new URL(configured).origin;
  const requestHeaders = await headers();
  const host = requestHeaders.get("x-forwarded-host") ?? requestHeaders.get("host") ?? "127.0.0.1:3000";
  const proto = requestHeaders.get("x-forwarded-proto") ?? "http";
  return `${proto}://${host}`;
}

/** Where a link in an email leads back to: `/auth/confirm` sends the person on to this path. */
export async function linkTarget(path: string): Promise<string> {
  return `${await appOrigin()}${path}`;
}
