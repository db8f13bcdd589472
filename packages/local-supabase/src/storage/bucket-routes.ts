import type { ServerResponse } from "node:http";
import { optionalString, sendJson } from "../http-io.ts";
import { storageFailures } from "./errors.ts";
import { assertBucketId } from "./object-files.ts";
import { asCaller, type BucketRow, type Caller, type StorageContext } from "./storage-context.ts";

const BUCKET_COLUMNS = [
  "id",
  "name",
  "owner",
  "owner_id",
  "public",
  "file_size_limit",
  "allowed_mime_types",
  "created_at",
  "updated_at",
];

function bucketJson(bucket: BucketRow): Record<string, unknown> {
  return {
    ...bucket,
    owner: bucket.owner ?? "",
    public: bucket.public ?? false,
    file_size_limit: bucket.file_size_limit === null ? null : Number(bucket.file_size_limit),
    type: "STANDARD",
  };
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** storage-js accepts `fileSizeLimit` as bytes or as a string like "10MB". */
function sizeLimit(value: unknown): number | null {
  if (value === undefined || value === null || value === "") return null;
  if (typeof value === "number" && value >= 0) return Math.floor(value);
  const match = typeof value === "string" ? /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(value) : null;
  if (!match?.[1]) throw storageFailures.invalidRequest(`Invalid file_size_limit: ${String(value)}`);
  return Math.floor(Number(match[1]) * (SIZE_UNITS[(match[2] ?? "b").toLowerCase()] ?? 1));
}

function mimeTypes(value: unknown): string[] | null {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value) && value.every((item): item is string => typeof item === "string")) return value;
  throw storageFailures.invalidRequest("allowed_mime_types must be an array of strings");
}

export async function listBuckets(
  res: ServerResponse,
  context: StorageContext,
  caller: Caller,
): Promise<void> {
  const buckets = await asCaller(
    context,
    caller,
    (tx) => tx<BucketRow[]>`select ${tx(BUCKET_COLUMNS)} from storage.buckets order by name`,
  );
  sendJson(res, 200, buckets.map(bucketJson));
}

export async function getBucket(
  res: ServerResponse,
  context: StorageContext,
  caller: Caller,
  bucketId: string,
): Promise<void> {
  const [bucket] = await asCaller(
    context,
    caller,
    (tx) => tx<BucketRow[]>`select ${tx(BUCKET_COLUMNS)} from storage.buckets where id = ${bucketId}`,
  );
  if (!bucket) throw storageFailures.bucketNotFound();
  sendJson(res, 200, bucketJson(bucket));
}

export async function createBucket(
  res: ServerResponse,
  context: StorageContext,
  caller: Caller,
  body: Record<string, unknown>,
): Promise<void> {
  const name = optionalString(body, "name") ?? optionalString(body, "id");
  const id = optionalString(body, "id") ?? name;
  if (!id || !name) throw storageFailures.invalidRequest("Bucket name is required");
  assertBucketId(id);
  await asCaller(
    context,
    caller,
    (tx) => tx`
      insert into storage.buckets (id, name, owner, owner_id, public, file_size_limit, allowed_mime_types)
      values (${id}, ${name}, ${caller.userId}, ${caller.userId}, ${body.public === true},
              ${sizeLimit(body.file_size_limit)}, ${mimeTypes(body.allowed_mime_types)})
    `,
  );
  sendJson(res, 200, { name: id });
}

export async function updateBucket(
  res: ServerResponse,
  context: StorageContext,
  caller: Caller,
  bucketId: string,
  body: Record<string, unknown>,
): Promise<void> {
  // Only the settings present in the body change, as with the hosted API.
  const has = (key: string): boolean => body[key] !== undefined;
  const updated = await asCaller(
    context,
    caller,
    (tx) => tx`
      update storage.buckets set
        public = case when ${has("public")} then ${body.public === true} else public end,
        file_size_limit = case when ${has("file_size_limit")}
          then ${sizeLimit(body.file_size_limit)}::bigint else file_size_limit end,
        allowed_mime_types = case when ${has("allowed_mime_types")}
          then ${mimeTypes(body.allowed_mime_types)}::text[] else allowed_mime_types end,
        updated_at = now()
      where id = ${bucketId}
      returning id
    `,
  );
  if (updated.length === 0) throw storageFailures.bucketNotFound();
  sendJson(res, 200, { message: "Successfully updated" });
}

export async function emptyBucket(
  res: ServerResponse,
  context: StorageContext,
  caller: Caller,
  bucketId: string,
): Promise<void> {
  const removed = await asCaller(
    context,
    caller,
    (tx) => tx<{ name: string }[]>`delete from storage.objects where bucket_id = ${bucketId} returning name`,
  );
  await Promise.all(removed.map((row) => context.files.remove(bucketId, row.name)));
  sendJson(res, 200, { message: "Successfully emptied" });
}

export async function deleteBucket(
  res: ServerResponse,
  context: StorageContext,
  caller: Caller,
  bucketId: string,
): Promise<void> {
  const [{ count } = { count: 0 }] = await context.sql<{ count: number }[]>`
    select count(*)::int as count from storage.objects where bucket_id = ${bucketId}
  `;
  if (count > 0) throw storageFailures.bucketNotEmpty();
  const deleted = await asCaller(
    context,
    caller,
    (tx) => tx`delete from storage.buckets where id = ${bucketId} returning id`,
  );
  if (deleted.length === 0) throw storageFailures.bucketNotFound();
  await context.files.removeBucket(bucketId);
  sendJson(res, 200, { message: "Successfully deleted" });
}
