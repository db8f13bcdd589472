import { z } from "zod";

import { safeTextCheck } from "@/lib/validation/text";

export const recordTagsSchema = z
  .array(
    z
      .string()
      .trim()
      .min(1)
      .max(40, { message: "Keep each tag under 40 characters." })
      .check(safeTextCheck())
      .regex(/^[\p{L}\p{N}_\-. ]+$/u, { message: "Tags may use letters, digits, spaces, '-', '_' and '.'." }),
  )
  .max(20, { message: "Use at most 20 tags." });

/** A new record, as the form and the v1 API send it. */
export const createRecordSchema = z.object({
  title: z
    .string({ message: "Give the record a title." })
    .trim()
    .min(1, { message: "Give the record a title." })
    .max(200, { message: "Keep the title under 200 characters." })
    .check(safeTextCheck()),
  body: z
    .string()
    .max(20000, { message: "Keep the body under 20,000 characters." })
    .check(safeTextCheck())
    .default(""),
  tags: recordTagsSchema.default([]),
});

export type CreateRecordInput = z.infer<typeof createRecordSchema>;

/** Tags typed into a form field as "a, b, c". */
export const commaSeparatedTags = z
  .string()
  .check(safeTextCheck())
  .optional()
  .transform((value) => [
    ...new Set(
      (value ?? "")
        .split(",")
        .map((tag) => tag.trim())
        .filter(Boolean),
    ),
  ])
  .pipe(recordTagsSchema);

export const uuidSchema = z.uuid({ message: "That is not a valid id." });

export const listRecordsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  // Any text is a valid filter (an unknown tag finds nothing); only unstorable text is refused.
  tag: z.string().trim().min(1).max(40).check(safeTextCheck()).optional(),
  include_archived: z
    .enum(["true", "false"])
    .optional()
    .transform((value) => value === "true"),
});
