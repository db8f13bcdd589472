import { clsx, type ClassValue } from "clsx";
import { twMerge } from "tailwind-merge";

/**
 * Joins class names, skipping falsy ones, and lets a later Tailwind class win over an earlier one
 * of the same utility (`cn("px-3", "px-5")` is `"px-5"`), so callers can override a component's
 * defaults through `className`.
 */
export function cn(...inputs: ClassValue[]): string {
  return twMerge(clsx(inputs));
}
