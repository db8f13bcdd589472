import { z } from "zod";

import { uuidSchema } from "@/lib/records/schemas";

/** The bucket the record-files storage policies guard (see the product migration). */
export const RECORD_FILES_BUCKET = "record-files";
export const MAX_FILE_BYTES = 50 * 1024 * 1024;

export const uploadFileSchema = z.object({
  orgId: uuidSchema,
  recordId: uuidSchema,
  file: z
    .instanceof(File, { message: "Choose a file to upload." })
    .refine((file) => file.size > 0, { message: "The file is empty." })
    .refine((file) => file.size <= MAX_FILE_BYTES, { message: "Files can be at most 50 MB." })
    .refine((file) => file.name.length <= 255, {
      message: "The file name is too long (255 characters at most).",
    }),
});

/** A storage key segment from a user's file name: no folders, no control characters. */
export function safeFileName(name: string): string {
  const cleaned = name
    .normalize("NFKC")
    .replace(/[\\/]/g, "_")
    .replace(/[^\p{L}\p{N}._\- ]/gu, "_")
    .replace(/\.{2,}/g, ".")
    .trim();
  return cleaned.slice(-120) || "file";
}
