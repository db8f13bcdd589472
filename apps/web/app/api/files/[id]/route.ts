import { withSession } from "@/lib/api/with-session";
import { AppError } from "@/lib/errors";
import { downloadRecordFile, getRecordFile } from "@/lib/files/queries";
import { uuidSchema } from "@/lib/records/schemas";

/** Downloads a record's file for a signed-in member; RLS decides who may see the row and the object. */
export const GET = withSession<{ id: string }>(async (_request, ctx, { id }) => {
  if (!uuidSchema.safeParse(id).success) throw new AppError("bad_request", "That is not a valid file id.");
  const file = await getRecordFile(ctx.supabase, id);
  if (!file) throw new AppError("not_found", "File not found.");
  const blob = await downloadRecordFile(ctx.supabase, file.storage_path);

  return new Response(blob.stream(), {
    headers: {
      "content-type": file.content_type,
      "content-length": String(file.size_bytes),
      "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(file.file_name)}`,
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    },
  });
});
