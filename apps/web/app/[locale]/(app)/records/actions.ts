"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";

import { orgAction } from "@/lib/actions/form-action";
import { locales } from "@/lib/i18n/config";
import { listRecordFiles } from "@/lib/files/queries";
import { deleteRecordFile } from "@/lib/files/mutations";
import { AppError } from "@/lib/errors";
import { getRecord } from "@/lib/records/queries";
import { createRecord, deleteRecord } from "@/lib/records/mutations";
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
    // Who may delete is decided before anything is touched; then the files go first, so their
    // storage objects never outlive the record (the database refuses to delete a record that
    // still has files).
    const record = await getRecord(ctx.supabase, ctx.orgId, input.recordId);
    if (!record) throw new AppError("not_found", "Record not found in this organization.");
    if (ctx.role === "member" && record.created_by !== ctx.user.id) {
      throw new AppError("forbidden", "Only the record's author, admins and owners can delete it.");
    }
    for (const file of await listRecordFiles(ctx.supabase, ctx.orgId, record.id)) {
      await deleteRecordFile(ctx.supabase, { orgId: ctx.orgId, fileId: file.id });
    }
    await deleteRecord(ctx.supabase, ctx.orgId, record.id);
    revalidatePath("/[locale]/records", "page");
    redirect(`/${input.locale}/records`);
  },
);
