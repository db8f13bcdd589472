import { CronExpressionParser } from "cron-parser";

/**
 * Parses a five-field cron expression (minute hour day-of-month month day-of-week, UTC).
 * Returns the next fire time after `from`, or an error message a person can act on.
 */
export function nextCronRun(
  expression: string,
  from: Date,
): { ok: true; next: Date } | { ok: false; message: string } {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) {
    return {
      ok: false,
      message: "Use five fields: minute hour day-of-month month day-of-week (e.g. “0 9 * * 1”).",
    };
  }
  try {
    const interval = CronExpressionParser.parse(fields.join(" "), {
      currentDate: from,
      tz: "UTC",
      strict: false,
    });
    return { ok: true, next: interval.next().toDate() };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `That is not a valid cron expression: ${reason}` };
  }
}
