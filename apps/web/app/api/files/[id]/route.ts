import { NextResponse } from "next/server";

import { getCurrentUser } from "@/lib/auth/server";
import { downloadRecordFile, getRecordFile } from "@/lib/files/queries";
import { uuidSchema } from "@/lib/records/schemas";

/** Downloads a record's file for a signed-in member; RLS decides who may see the row and the object. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!uuidSchema.safeParse(id).success) {
    return NextResponse.json(
      { error: { code: "bad_request", message: "That is not a valid file id." } },
      { status: 400 },
    );
  }
  const ctx = await getCurrentUser();
  if (!ctx)
    return NextResponse.json({ error: { code: "unauthorized", message: "Sign in first." } }, { status: 401 });

  const file = await getRecordFile(ctx.supabase, id);
  if (!file)
    return NextResponse.json({ error: { code: "not_found", message: "File not found." } }, { status: 404 });

  const blob = await downloadRecordFile(ctx.supabase, file.storage_path).catch(() => null);
  if (!blob)
    return NextResponse.json(
      { error: { code: "not_found", message: "The stored file is missing." } },
      { status: 404 },
    );

  return new Response(blob.stream(), {
    headers: {
      "content-type": file.content_type,
      "content-length": String(file.size_bytes),
      "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(file.file_name)}`,
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
