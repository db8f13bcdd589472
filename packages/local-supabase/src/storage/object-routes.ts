import { createHash, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TransactionSql } from "postgres";
import { asRecord, sendJson } from "../http-io.ts";
import { storageFailures } from "./errors.ts";
import { asCaller, findBucket, type BucketRow, type Caller, type StorageContext } from "./storage-context.ts";
import { readUpload, type UploadBody } from "./upload-body.ts";
import { jsonb } from "../sql-json.ts";

// Hosted Supabase's default global upload limit.
export const GLOBAL_FILE_SIZE_LIMIT = 50 * 1024 * 1024;

interface ObjectRow {
  id: string;
  bucket_id: string;
  name: string;
  owner: string | null;
  owner_id: string | null;
  metadata: Record<string, unknown> | null;
  user_metadata: Record<string, unknown> | null;
  version: string | null;
  created_at: Date | null;
  updated_at: Date | null;
  last_accessed_at: Date | null;
}

const OBJECT_COLUMNS = [
  "id",
  "bucket_id",
  "name",
  "owner",
  "owner_id",
  "metadata",
  "user_metadata",
  "version",
  "created_at",
  "updated_at",
  "last_accessed_at",
];

function mimeAllowed(mime: string, allowed: string[] | null): boolean {
  if (!allowed || allowed.length === 0) return true;
  const base = mime.split(";")[0]?.trim().toLowerCase() ?? "";
  return allowed.some((pattern) => {
    const wanted = pattern.trim().toLowerCase();
    return wanted.endsWith("/*") ? base.startsWith(wanted.slice(0, -1)) : base === wanted;
  });
}

function checkLimits(bucket: BucketRow, upload: UploadBody): void {
  const limit = bucket.file_size_limit === null ? GLOBAL_FILE_SIZE_LIMIT : Number(bucket.file_size_limit);
  if (upload.data.length > Math.min(limit, GLOBAL_FILE_SIZE_LIMIT)) throw storageFailures.tooLarge();
  if (!mimeAllowed(upload.contentType, bucket.allowed_mime_types)) {
    throw storageFailures.mimeNotAllowed(upload.contentType);
  }
}

function objectMetadata(upload: UploadBody, now: Date): Record<string, unknown> {
  return {
    eTag: `"${createHash("md5").update(upload.data).digest("hex")}"`,
    size: upload.data.length,
    mimetype: upload.contentType,
    cacheControl: upload.cacheControl,
    lastModified: now.toISOString(),
    contentLength: upload.data.length,
    httpStatusCode: 200,
  };
}

/** The caller storage-api writes as when the request itself carries no authority (signed uploads). */
export const SERVICE_CALLER: Caller = {
  role: "service_role",
  claims: { role: "service_role" },
  userId: null,
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** As storage-api stores an owner: `owner_id` always, the uuid column `owner` only for a uuid. */
function ownerColumns(owner: string | null): { owner: string | null; ownerId: string | null } {
  return { owner: owner !== null && UUID.test(owner) ? owner : null, ownerId: owner };
}

interface ObjectWrite {
  /** "update" replaces an existing row; "create" inserts one, or with `upsert` replaces it. */
  mode: "create" | "update";
  upsert: boolean;
  owner: string | null;
}

/**
 * Reads the upload, applies the bucket's limits and writes row and bytes in one transaction as
 * `writer`: the row first, so the project's policies and triggers decide and a refused row leaves
 * no file, then the file, so a failed write leaves no row. Returns the row's id.
 */
async function writeObject(
  req: IncomingMessage,
  context: StorageContext,
  writer: Caller,
  bucketId: string,
  name: string,
  write: ObjectWrite,
): Promise<string> {
  context.files.pathOf(bucketId, name);
  const bucket = await findBucket(context, bucketId);
  if (!bucket) throw storageFailures.bucketNotFound();
  const upload = await readUpload(req, GLOBAL_FILE_SIZE_LIMIT);
  checkLimits(bucket, upload);

  const now = new Date();
  const metadata = objectMetadata(upload, now);
  const userMetadata = upload.userMetadata;
  const { owner, ownerId } = ownerColumns(write.owner);
  const version = randomUUID();

  return asCaller(context, writer, async (tx) => {
    let rows: { id: string }[];
    if (write.mode === "update") {
      rows = await tx<{ id: string }[]>`
        update storage.objects
        set metadata = ${jsonb(tx, metadata)}, user_metadata = ${userMetadata ? jsonb(tx, userMetadata) : null}::jsonb,
            version = ${version}, owner = ${owner}, owner_id = ${ownerId}, last_accessed_at = ${now}
        where bucket_id = ${bucketId} and name = ${name}
        returning id
      `;
    } else if (write.upsert) {
      // Like hosted, an upsert needs the SELECT and UPDATE policies as well as INSERT. Without an
      // owner (anon or service role) storage-api leaves the existing row's owner as it was.
      rows = await tx<{ id: string }[]>`
        insert into storage.objects (id, bucket_id, name, owner, owner_id, metadata, user_metadata, version)
        values (${randomUUID()}, ${bucketId}, ${name}, ${owner}, ${ownerId}, ${jsonb(tx, metadata)},
                ${userMetadata ? jsonb(tx, userMetadata) : null}::jsonb, ${version})
        on conflict (bucket_id, name) do update set
          metadata = excluded.metadata, user_metadata = excluded.user_metadata, version = excluded.version,
          owner = coalesce(excluded.owner, storage.objects.owner),
          owner_id = coalesce(excluded.owner_id, storage.objects.owner_id), last_accessed_at = ${now}
        returning id
      `;
    } else {
      // No RETURNING: that would also demand a SELECT policy, which a plain upload does not need on hosted.
      const newId = randomUUID();
      await tx`
        insert into storage.objects (id, bucket_id, name, owner, owner_id, metadata, user_metadata, version)
        values (${newId}, ${bucketId}, ${name}, ${owner}, ${ownerId}, ${jsonb(tx, metadata)},
                ${userMetadata ? jsonb(tx, userMetadata) : null}::jsonb, ${version})
      `;
      rows = [{ id: newId }];
    }
    const row = rows[0];
    if (!row) throw storageFailures.objectNotFound();
    await context.files.write(bucketId, name, upload.data);
    return row.id;
  });
}

/**
 * POST creates (or, with `x-upsert: true`, replaces), PUT replaces an existing object, as the
 * caller: the project's policies decide.
 */
export async function putObject(
  req: IncomingMessage,
  res: ServerResponse,
  context: StorageContext,
  caller: Caller,
  bucketId: string,
  name: string,
  mode: "create" | "update",
): Promise<void> {
  const upsert = mode === "update" || req.headers["x-upsert"] === "true";
  const id = await writeObject(req, context, caller, bucketId, name, { mode, upsert, owner: caller.userId });
  sendJson(res, 200, { Id: id, Key: `${bucketId}/${name}` });
}

/**
 * PUT /object/upload/sign/...: the upload a verified signed-upload token allows. As storage-api,
 * written as the service role (the policies were checked when the URL was signed; triggers still
 * run) with the owner and the upsert choice the token carries. Answers `{ Key }` only.
 */
export async function putSignedObject(
  req: IncomingMessage,
  res: ServerResponse,
  context: StorageContext,
  bucketId: string,
  name: string,
  grant: { owner: string | null; upsert: boolean },
): Promise<void> {
  await writeObject(req, context, SERVICE_CALLER, bucketId, name, { mode: "create", ...grant });
  sendJson(res, 200, { Key: `${bucketId}/${name}` });
}

class TestInsertRollback extends Error {}

/**
 * storage-api's `canUpload`: inserts (or, for an upsert, upserts) a stand-in row as the caller in a
 * transaction that is then rolled back, so the caller's policies, constraints and triggers answer
 * whether it may create the object, and nothing is kept.
 */
export async function checkCanUpload(
  context: StorageContext,
  caller: Caller,
  bucketId: string,
  name: string,
  options: {
    upsert: boolean;
    metadata: Record<string, unknown>;
    userMetadata: Record<string, unknown> | null;
  },
): Promise<void> {
  context.files.pathOf(bucketId, name);
  const { owner, ownerId } = ownerColumns(caller.userId);
  const { metadata, userMetadata } = options;
  try {
    await asCaller(context, caller, async (tx) => {
      if (options.upsert) {
        await tx`
          insert into storage.objects (bucket_id, name, owner, owner_id, metadata, user_metadata, version)
          values (${bucketId}, ${name}, ${owner}, ${ownerId}, ${jsonb(tx, metadata)},
                  ${userMetadata ? jsonb(tx, userMetadata) : null}::jsonb, '1')
          on conflict (bucket_id, name) do update set
            metadata = excluded.metadata, user_metadata = excluded.user_metadata, version = excluded.version,
            owner = coalesce(excluded.owner, storage.objects.owner),
            owner_id = coalesce(excluded.owner_id, storage.objects.owner_id)
          returning id
        `;
      } else {
        await tx`
          insert into storage.objects (bucket_id, name, owner, owner_id, metadata, user_metadata, version)
          values (${bucketId}, ${name}, ${owner}, ${ownerId}, ${jsonb(tx, metadata)},
                  ${userMetadata ? jsonb(tx, userMetadata) : null}::jsonb, '1')
        `;
      }
      throw new TestInsertRollback("test insert: roll back");
    });
  } catch (error) {
    if (!(error instanceof TestInsertRollback)) throw error;
  }
}

async function visibleObject(tx: TransactionSql, bucketId: string, name: string): Promise<ObjectRow | null> {
  const [row] = await tx<ObjectRow[]>`
    select ${tx(OBJECT_COLUMNS)} from storage.objects where bucket_id = ${bucketId} and name = ${name}
  `;
  return row ?? null;
}

export async function findVisibleObject(
  context: StorageContext,
  caller: Caller,
  bucketId: string,
  name: string,
): Promise<ObjectRow> {
  context.files.pathOf(bucketId, name);
  const row = await asCaller(context, caller, (tx) => visibleObject(tx, bucketId, name));
  if (!row) throw storageFailures.objectNotFound();
  return row;
}

/** Streams an object's bytes with the headers hosted storage sends. */
export async function sendObject(
  req: IncomingMessage,
  res: ServerResponse,
  context: StorageContext,
  row: ObjectRow,
  url: URL,
): Promise<void> {
  const file = context.files.pathOf(row.bucket_id, row.name);
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) throw storageFailures.objectNotFound();
  const metadata = asRecord(row.metadata);
  const download = url.searchParams.get("download");
  const fileName = download || row.name.split("/").pop() || row.name;
  res.writeHead(200, {
    "content-type": typeof metadata.mimetype === "string" ? metadata.mimetype : "application/octet-stream",
    "content-length": info.size,
    "cache-control": typeof metadata.cacheControl === "string" ? metadata.cacheControl : "no-cache",
    ...(typeof metadata.eTag === "string" ? { etag: metadata.eTag } : {}),
    "last-modified": (row.updated_at ?? info.mtime).toUTCString(),
    ...(download !== null
      ? { "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}` }
      : {}),
  });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  await new Promise<void>((resolve) => {
    const stream = createReadStream(file);
    stream.on("error", (error) => {
      res.destroy(error);
      resolve();
    });
    res.on("close", () => {
      stream.destroy();
      resolve();
    });
    stream.pipe(res);
  });
}

export async function objectInfo(
  res: ServerResponse,
  context: StorageContext,
  caller: Caller,
  bucketId: string,
  name: string,
): Promise<void> {
  const row = await findVisibleObject(context, caller, bucketId, name);
  const metadata = asRecord(row.metadata);
  sendJson(res, 200, {
    id: row.id,
    version: row.version,
    name: row.name,
    bucket_id: row.bucket_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
    last_accessed_at: row.last_accessed_at,
    size: metadata.size,
    cache_control: metadata.cacheControl,
    content_type: metadata.mimetype,
    etag: metadata.eTag,
    last_modified: metadata.lastModified,
    metadata: row.user_metadata,
  });
}

/** DELETE /object/:bucket `{prefixes}`: removes what the caller's policies let it see and delete. */
export async function removeObjects(
  req: IncomingMessage,
  res: ServerResponse,
  context: StorageContext,
  caller: Caller,
  bucketId: string,
  body: Record<string, unknown>,
): Promise<void> {
  const prefixes = body.prefixes;
  if (!Array.isArray(prefixes) || !prefixes.every((prefix): prefix is string => typeof prefix === "string")) {
    throw storageFailures.invalidRequest("prefixes must be an array of object names");
  }
  if (prefixes.length === 0) return sendJson(res, 200, []);
  const removed = await asCaller(
    context,
    caller,
    (tx) => tx<ObjectRow[]>`
      delete from storage.objects where bucket_id = ${bucketId} and name in ${tx(prefixes)}
      returning ${tx(OBJECT_COLUMNS)}
    `,
  );
  await Promise.all(removed.map((row) => context.files.remove(row.bucket_id, row.name)));
  sendJson(res, 200, removed);
}

export async function removeObject(
  res: ServerResponse,
  context: StorageContext,
  caller: Caller,
  bucketId: string,
  name: string,
): Promise<void> {
  context.files.pathOf(bucketId, name);
  const removed = await asCaller(
    context,
    caller,
    (tx) => tx<{ name: string }[]>`
      delete from storage.objects where bucket_id = ${bucketId} and name = ${name} returning name
    `,
  );
  if (removed.length === 0) throw storageFailures.objectNotFound();
  await context.files.remove(bucketId, name);
  sendJson(res, 200, { message: "Successfully deleted" });
}

const SORT_COLUMNS = new Set(["name", "updated_at", "created_at", "last_accessed_at"]);

/** POST /object/list/:bucket: one folder level, as hosted `storage.search` lists it, filtered by RLS. */
export async function listObjects(
  res: ServerResponse,
  context: StorageContext,
  caller: Caller,
  bucketId: string,
  body: Record<string, unknown>,
): Promise<void> {
  let prefix = typeof body.prefix === "string" ? body.prefix : "";
  if (prefix.length > 0 && !prefix.endsWith("/")) prefix = `${prefix}/`;
  const levels = prefix.split("/").length;
  const limit = Number.isInteger(body.limit) ? Number(body.limit) : 100;
  const offset = Number.isInteger(body.offset) ? Number(body.offset) : 0;
  const search = typeof body.search === "string" ? body.search : "";
  const sortBy = asRecord(body.sortBy);
  const column =
    typeof sortBy.column === "string" && SORT_COLUMNS.has(sortBy.column) ? sortBy.column : "name";
  const order = sortBy.order === "desc" ? "desc" : "asc";
  const rows = await asCaller(
    context,
    caller,
    (tx) => tx`
      select * from storage.search(${prefix}, ${bucketId}, ${limit}, ${levels}, ${offset}, ${search}, ${column}, ${order})
    `,
  );
  sendJson(res, 200, rows);
}
