"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";

import { orgAction } from "@/lib/actions/form-action";
import { locales } from "@/lib/i18n/config";
import { deleteRecordFile, listRecordFiles } from "@/lib/files/queries";
import { createRecord, deleteRecord } from "@/lib/records/queries";
import { commaSeparatedTags, createRecordSchema, uuidSchema } from "@/lib/records/schemas";

const createRecordFormSchema = createRecordSchema.extend({
  orgId: uuidSchema,
  tags: commaSeparatedTags,
});

export const createRecordAction = orgAction(
  createRecordFormSchema,
  ["owner", "admin", "member"],
  async (input, ctx) => {
    const record = await createRecord(ctx.supabase, { orgId: ctx.orgId, userId: ctx.user.id, input });
    revalidatePath("/[locale]/records", "page");
    return { status: "success", message: `Created “${record.title}”.` };
  },
);

const deleteRecordFormSchema = z.object({ orgId: uuidSchema, recordId: uuidSchema, locale: z.enum(locales) });

export const deleteRecordAction = orgAction(
  deleteRecordFormSchema,
  ["owner", "admin", "member"],
  async (input, ctx) => {
    // Files go first so their storage objects never outlive the record.
    for (const file of await listRecordFiles(ctx.supabase, ctx.orgId, input.recordId)) {
      await deleteRecordFile(ctx.supabase, { orgId: ctx.orgId, fileId: file.id, userId: ctx.user.id });
    }
    await deleteRecord(ctx.supabase, ctx.orgId, input.recordId);
    revalidatePath("/[locale]/records", "page");
    redirect(`/${input.locale}/records`);
  },
);
