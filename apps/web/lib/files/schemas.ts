import { z } from "zod";

import { uuidSchema } from "@/lib/records/schemas";

/** The bucket the record-files storage policies guard (see the product migration). */
export const RECORD_FILES_BUCKET = "record-files";
export const MAX_FILE_BYTES = 50 * 1024 * 1024;

/** What the browser says about a file it is about to upload; Storage checks the real bytes. */
export const prepareUploadSchema = z.object({
  orgId: uuidSchema,
  recordId: uuidSchema,
  fileName: z
    .string({ message: "Choose a file to upload." })
    .min(1, { message: "Choose a file to upload." })
    .max(255, { message: "The file name is too long (255 characters at most)." }),
  size: z.coerce
    .number({ message: "Choose a file to upload." })
    .int()
    .min(1, { message: "The file is empty." })
    .max(MAX_FILE_BYTES, { message: "Files can be at most 50 MB." }),
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
