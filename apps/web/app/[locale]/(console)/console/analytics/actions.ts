"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";

import { adminAction } from "@/lib/actions/form-action";
import { runAggregationNow } from "@/lib/console/mutations";
import { revalidateInRequest } from "@/lib/revalidate";

const day = z.iso.date({ message: "Use a date like 2026-12-01." });

const runSchema = z
  .object({
    periodType: z.enum(["daily", "monthly"], { message: "Choose daily or monthly." }),
    from: day,
    to: day,
  })
  .refine((input) => input.from <= input.to, { message: "The range ends before it starts.", path: ["to"] })
  .refine((input) => (Date.parse(input.to) - Date.parse(input.from)) / 86_400_000 <= 400, {
    message: "Roll up at most 400 days at a time.",
    path: ["to"],
  });

/** Platform admins roll up a range now; the run is logged like the cron's. */
export const runAggregationAction = adminAction(runSchema, async (input) => {
  const start = new Date(`${input.from}T00:00:00Z`);
  const end = new Date(Date.parse(`${input.to}T00:00:00Z`) + 86_400_000);
  const result = await runAggregationNow({ periodType: input.periodType, start, end });
  revalidateInRequest(() => revalidatePath("/[locale]/console/analytics", "page"));
  return {
    status: "success",
    message: `Rolled up ${result.period_type} ${result.period_start.slice(0, 10)} – ${result.period_end.slice(0, 10)}: ${result.rows_upserted} rows written, ${result.rows_deleted} removed, in ${Math.round(result.duration_ms)} ms.`,
  };
});
