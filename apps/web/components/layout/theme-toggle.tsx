"use client";

import { useState } from "react";

import { THEME_COOKIE, THEMES, type Theme } from "@/lib/theme-cookie";

const icons: Record<Theme, string> = { system: "◐", light: "☀", dark: "☾" };

/**
 * Cycles the color scheme: the device's, light, dark. The choice is kept in a cookie (a year) so the
 * server renders the next page in it; the class on <html> switches this one at once.
 */
export function ThemeToggle({
  initial,
  labels,
}: {
  initial: Theme;
  labels: Record<Theme, string> & { label: string };
}) {
  const [theme, setTheme] = useState<Theme>(initial);
  function next() {
    const chosen = THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length] ?? "system";
    setTheme(chosen);
    const root = document.documentElement;
    root.classList.remove("light", "dark");
    if (chosen !== "system") root.classList.add(chosen);
    document.cookie =
      chosen === "system"
        ? `${THEME_COOKIE}=; path=/; max-age=0; samesite=lax`
        : `${THEME_COOKIE}=${chosen}; path=/; max-age=31536000; samesite=lax`;
  }
  return (
    <button
      type="button"
      onClick={next}
      data-test="theme-toggle"
      data-theme={theme}
      aria-label={`${labels.label}: ${labels[theme]}`}
      title={`${labels.label}: ${labels[theme]}`}
      className="inline-flex h-8 w-8 items-center justify-center rounded-md border border-slate-300 bg-surface text-sm text-slate-700 hover:bg-slate-100"
    >
      <span aria-hidden>{icons[theme]}</span>
    </button>
  );
}
