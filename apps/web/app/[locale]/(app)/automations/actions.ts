"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";

import { orgAction } from "@/lib/actions/form-action";
import { getAutomation } from "@/lib/automations/queries";
import {
  createAutomation,
  createSchedule,
  deleteAutomation,
  deleteSchedule,
  runAutomation,
} from "@/lib/automations/mutations";
import {
  automationIdSchema,
  createAutomationSchema,
  createScheduleSchema,
  scheduleIdSchema,
} from "@/lib/automations/schemas";
import { AppError } from "@/lib/errors";
import { locales } from "@/lib/i18n/config";
import { createAdminSupabaseClient } from "@/lib/supabase/admin";

const managers = ["owner", "admin"] as const;
const members = ["owner", "admin", "member"] as const;

export const createAutomationAction = orgAction(createAutomationSchema, managers, async (input, ctx) => {
  const automation = await createAutomation(ctx.supabase, {
    orgId: ctx.orgId,
    userId: ctx.user.id,
    name: input.name,
    action: input.action,
    filter: { tag: input.filterTag, title_contains: input.titleContains },
    params: input.action === "tag" ? { tag: input.tag } : {},
  });
  revalidatePath("/[locale]/automations", "page");
  return { status: "success", message: `Created “${automation.name}”.` };
});

export const runAutomationAction = orgAction(automationIdSchema, members, async (input, ctx) => {
  // Read under RLS first: the service-role RPC must only ever run the caller's own org's automation.
  const automation = await getAutomation(ctx.supabase, ctx.orgId, input.automationId);
  if (!automation) throw new AppError("not_found", "Automation not found in this organization.");
  const run = await runAutomation(createAdminSupabaseClient(), {
    orgId: ctx.orgId,
    automationId: automation.id,
    trigger: "manual",
    actor: ctx.user.id,
  });
  revalidatePath("/[locale]/automations/[id]", "page");
  return {
    status: "success",
    message: `Ran in ${Number(run.duration_ms).toFixed(1)} ms: ${run.records_matched} matched, ${run.records_changed} changed.`,
  };
});

const deleteAutomationFormSchema = automationIdSchema.extend({ locale: z.enum(locales) });

export const deleteAutomationAction = orgAction(deleteAutomationFormSchema, managers, async (input, ctx) => {
  await deleteAutomation(ctx.supabase, ctx.orgId, input.automationId);
  revalidatePath("/[locale]/automations", "page");
  redirect(`/${input.locale}/automations`);
});

export const createScheduleAction = orgAction(createScheduleSchema, managers, async (input, ctx) => {
  const schedule = await createSchedule(ctx.supabase, {
    orgId: ctx.orgId,
    userId: ctx.user.id,
    automationId: input.automationId,
    cron: input.cron,
  });
  revalidatePath("/[locale]/automations/[id]", "page");
  return { status: "success", message: `Scheduled “${schedule.cron}”; next run ${schedule.next_run_at}.` };
});

export const deleteScheduleAction = orgAction(scheduleIdSchema, managers, async (input, ctx) => {
  await deleteSchedule(ctx.supabase, ctx.orgId, input.scheduleId);
  revalidatePath("/[locale]/automations/[id]", "page");
  return { status: "success", message: "Schedule removed." };
});
