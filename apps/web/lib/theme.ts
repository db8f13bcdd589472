import "server-only";

import { cookies } from "next/headers";

import { THEME_COOKIE, type Theme } from "./theme-cookie";

/** The color scheme the visitor chose in the header, or "system" (follow the device). */
export async function readTheme(): Promise<Theme> {
  const value = (await cookies()).get(THEME_COOKIE)?.value;
  return value === "light" || value === "dark" ? value : "system";
}
