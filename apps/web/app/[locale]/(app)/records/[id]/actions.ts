"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";

import { summarizeRecord } from "@/lib/ai/mutations";
import { orgAction } from "@/lib/actions/form-action";
import type { OrgContext } from "@/lib/auth/server";
import { AppError } from "@/lib/errors";
import { deleteRecordFile, prepareRecordFileUpload } from "@/lib/files/mutations";
import { prepareUploadSchema } from "@/lib/files/schemas";
import { getRecord } from "@/lib/records/queries";
import { uuidSchema } from "@/lib/records/schemas";

const members = ["owner", "admin", "member"] as const;

async function requireRecord(ctx: OrgContext, recordId: string) {
  const record = await getRecord(ctx.supabase, ctx.orgId, recordId);
  if (!record) throw new AppError("not_found", "Record not found in this organization.");
  return record;
}

/**
 * Step one of an upload: checks the record and the storage limit and returns a signed upload URL
 * (path and token) that the browser uploads the file to, straight to Storage.
 */
export const prepareUploadAction = orgAction(prepareUploadSchema, members, async (input, ctx) => {
  await requireRecord(ctx, input.recordId);
  const upload = await prepareRecordFileUpload(ctx.supabase, {
    orgId: ctx.orgId,
    recordId: input.recordId,
    fileName: input.fileName,
    size: input.size,
  });
  return {
    status: "success",
    message: `Uploading ${input.fileName}…`,
    data: { bucket: upload.bucket, path: upload.path, token: upload.token },
  };
});

const deleteFileSchema = z.object({ orgId: uuidSchema, fileId: uuidSchema });

export const deleteFileAction = orgAction(deleteFileSchema, members, async (input, ctx) => {
  const file = await deleteRecordFile(ctx.supabase, { orgId: ctx.orgId, fileId: input.fileId });
  revalidatePath("/[locale]/records/[id]", "page");
  return { status: "success", message: `Deleted ${file.file_name}.` };
});

const summarizeSchema = z.object({ orgId: uuidSchema, recordId: uuidSchema });

export const summarizeRecordAction = orgAction(summarizeSchema, members, async (input, ctx) => {
  const record = await requireRecord(ctx, input.recordId);
  const result = await summarizeRecord({ orgId: ctx.orgId, userId: ctx.user.id, record });
  revalidatePath("/[locale]/records/[id]", "page");
  return { status: "success", message: `Summarized with ${result.model} (${result.total_tokens} tokens).` };
});
