/** The cookie that keeps a visitor's color-scheme choice (read on the server, written in the browser). */
export const THEME_COOKIE = "meterline-theme";
export type Theme = "light" | "dark" | "system";
export const THEMES: readonly Theme[] = ["system", "light", "dark"];
