import { z } from "zod";

import { uuidSchema } from "@/lib/records/schemas";

import { nextCronRun } from "./cron";

const tagName = z
  .string()
  .trim()
  .min(1, { message: "Name the tag to add." })
  .max(40, { message: "Keep the tag under 40 characters." })
  .regex(/^[\p{L}\p{N}_\-. ]+$/u, { message: "Tags may use letters, digits, spaces, '-', '_' and '.'." });

const optionalText = (max: number, message: string) =>
  z
    .string()
    .trim()
    .max(max, { message })
    .optional()
    .transform((value) => value || undefined);

/** The automation form: a name, a filter over records, and what to do to the matches. */
export const createAutomationSchema = z
  .object({
    orgId: uuidSchema,
    name: z
      .string()
      .trim()
      .min(1, { message: "Name the automation." })
      .max(80, { message: "Keep the name under 80 characters." }),
    action: z.enum(["tag", "archive"], { message: "Choose what the automation does: tag or archive." }),
    tag: optionalText(40, "Keep the tag under 40 characters."),
    filterTag: optionalText(40, "Keep the filter tag under 40 characters."),
    titleContains: optionalText(100, "Keep the title filter under 100 characters."),
  })
  .superRefine((value, ctx) => {
    if (value.action === "tag") {
      const parsed = tagName.safeParse(value.tag ?? "");
      if (!parsed.success)
        ctx.addIssue({
          code: "custom",
          path: ["tag"],
          message: parsed.error.issues[0]?.message ?? "Invalid tag.",
        });
    }
  });

export const automationIdSchema = z.object({ orgId: uuidSchema, automationId: uuidSchema });

export const createScheduleSchema = z
  .object({
    orgId: uuidSchema,
    automationId: uuidSchema,
    cron: z.string().trim().min(1, { message: "Enter a cron expression." }).max(120),
  })
  .superRefine((value, ctx) => {
    const result = nextCronRun(value.cron, new Date());
    if (!result.ok) ctx.addIssue({ code: "custom", path: ["cron"], message: result.message });
  });

export const scheduleIdSchema = z.object({ orgId: uuidSchema, scheduleId: uuidSchema });
