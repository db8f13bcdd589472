import { failures } from "./errors.ts";

// GoTrue's own email pattern (it does not require a dot in the domain).
const EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export function normalizeEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (!EMAIL.test(email)) throw failures.validation("Unable to validate email address: invalid format");
  return email;
}

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * `ban_duration` as the admin API takes it: a Go duration ("24h", "1h30m") or "none" to lift a ban.
 * Returns the ban end, or null for "none".
 */
export function banUntil(duration: string, now = new Date()): Date | null {
  if (duration === "none") return null;
  const parts = [...duration.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join("") !== duration) {
    throw failures.validation(`invalid format for ban duration: ${duration}`);
  }
  const ms = parts.reduce(
    (total, [, amount, unit]) => total + Number(amount) * (UNIT_MS[unit ?? ""] ?? 0),
    0,
  );
  return new Date(now.getTime() + ms);
}
