import { CONSOLE_PERIODS, type ConsolePeriod } from "@/lib/console/queries";

/** The console's URL state: `?period=7d|30d|month|year` (default 30d); anything else is a message. */
export function parseConsoleSearchParams(raw: Record<string, string | string[] | undefined>): {
  period: ConsolePeriod;
  unknownPeriod: string | null;
} {
  const value = Array.isArray(raw.period) ? raw.period[0] : raw.period;
  if (value === undefined) return { period: "30d", unknownPeriod: null };
  return (CONSOLE_PERIODS as readonly string[]).includes(value)
    ? { period: value as ConsolePeriod, unknownPeriod: null }
    : { period: "30d", unknownPeriod: value.slice(0, 40) };
}
