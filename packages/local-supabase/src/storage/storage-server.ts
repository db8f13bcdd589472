import type { IncomingMessage, ServerResponse } from "node:http";
import type { Sql } from "postgres";
import { asRecord, BodyTooLargeError, readBody, type RouteHandler } from "../http-io.ts";
import {
  createBucket,
  deleteBucket,
  emptyBucket,
  getBucket,
  listBuckets,
  updateBucket,
} from "./bucket-routes.ts";
import { sendStorageFailure, StorageFailure, storageFailures } from "./errors.ts";
import { ObjectFiles } from "./object-files.ts";
import {
  findVisibleObject,
  listObjects,
  objectInfo,
  putObject,
  removeObject,
  removeObjects,
  sendObject,
  SERVICE_CALLER,
} from "./object-routes.ts";
import {
  createSignedUploadUrl,
  createSignedUrl,
  createSignedUrls,
  serveSignedObject,
  uploadToSignedUrl,
} from "./signed-urls.ts";
import { callerOf, findBucket, type Caller, type StorageContext } from "./storage-context.ts";

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  let raw: Buffer;
  try {
    raw = await readBody(req, 1024 * 1024);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw storageFailures.tooLarge();
    throw error;
  }
  if (raw.length === 0) return {};
  try {
    return asRecord(JSON.parse(raw.toString("utf8")));
  } catch {
    throw storageFailures.invalidRequest("Body is not valid JSON");
  }
}

/** `/bucket/rest/of/name` -> ["bucket", "rest/of/name"], URL-decoded per segment. */
function splitBucketPath(rest: string): [string, string] {
  const segments = rest.split("/").map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      throw storageFailures.invalidRequest(`Malformed path segment: ${segment}`);
    }
  });
  const [bucketId = "", ...name] = segments;
  return [bucketId, name.join("/")];
}

async function routeObjects(
  req: IncomingMessage,
  res: ServerResponse,
  context: StorageContext,
  rest: string,
  url: URL,
): Promise<void> {
  const method = req.method ?? "GET";
  const caller = (): Promise<Caller> => callerOf(req, context.jwtSecret);
  const [first, ...others] = rest.split("/");
  const tail = others.join("/");

  if (first === "public" && (method === "GET" || method === "HEAD")) {
    const [bucketId, name] = splitBucketPath(tail);
    const bucket = await findBucket(context, bucketId);
    if (!bucket?.public) throw storageFailures.bucketNotFound();
    return sendObject(
      req,
      res,
      context,
      await findVisibleObject(context, SERVICE_CALLER, bucketId, name),
      url,
    );
  }
  if (first === "authenticated" && (method === "GET" || method === "HEAD")) {
    const [bucketId, name] = splitBucketPath(tail);
    return sendObject(
      req,
      res,
      context,
      await findVisibleObject(context, await caller(), bucketId, name),
      url,
    );
  }
  if (first === "list" && method === "POST") {
    const [bucketId] = splitBucketPath(tail);
    return listObjects(res, context, await caller(), bucketId, await jsonBody(req));
  }
  if (first === "info" && method === "GET") {
    const [maybeScope = "", ...afterScope] = tail.split("/");
    const path = maybeScope === "authenticated" || maybeScope === "public" ? afterScope.join("/") : tail;
    const [bucketId, name] = splitBucketPath(path);
    return objectInfo(res, context, await caller(), bucketId, name);
  }
  if (first === "sign") {
    const [bucketId, name] = splitBucketPath(tail);
    if (method === "GET" || method === "HEAD")
      return serveSignedObject(req, res, context, bucketId, name, url);
    if (method === "POST" && name)
      return createSignedUrl(res, context, await caller(), bucketId, name, await jsonBody(req));
    if (method === "POST")
      return createSignedUrls(res, context, await caller(), bucketId, await jsonBody(req));
  }
  if (first === "upload" && others[0] === "sign") {
    const [bucketId, name] = splitBucketPath(others.slice(1).join("/"));
    if (method === "POST" && name) {
      const signer = await caller();
      await jsonBody(req); // storage-js sends `{}`: the sign request has no body fields
      return createSignedUploadUrl(req, res, context, signer, bucketId, name);
    }
    // Like storage-api, no authorization: the token in the query is the permission.
    if (method === "PUT" && name) return uploadToSignedUrl(req, res, context, bucketId, name, url);
  }
  if (first === "move" || first === "copy" || first === "upload") {
    throw storageFailures.notFound(`${method} /object/${first}`);
  }

  const [bucketId, name] = splitBucketPath(rest);
  if (!name) {
    if (method === "DELETE")
      return removeObjects(req, res, context, await caller(), bucketId, await jsonBody(req));
    throw storageFailures.notFound(`${method} /object/${rest}`);
  }
  switch (method) {
    case "POST":
      return putObject(req, res, context, await caller(), bucketId, name, "create");
    case "PUT":
      return putObject(req, res, context, await caller(), bucketId, name, "update");
    case "GET":
    case "HEAD":
      return sendObject(
        req,
        res,
        context,
        await findVisibleObject(context, await caller(), bucketId, name),
        url,
      );
    case "DELETE":
      return removeObject(res, context, await caller(), bucketId, name);
    default:
      throw storageFailures.notFound(`${method} /object/${rest}`);
  }
}

async function routeBuckets(
  req: IncomingMessage,
  res: ServerResponse,
  context: StorageContext,
  rest: string,
): Promise<void> {
  const method = req.method ?? "GET";
  const caller = await callerOf(req, context.jwtSecret);
  const [encodedId = "", action] = rest.split("/");
  const bucketId = decodeURIComponent(encodedId);
  if (!bucketId) {
    if (method === "GET") return listBuckets(res, context, caller);
    if (method === "POST") return createBucket(res, context, caller, await jsonBody(req));
  } else if (action === "empty" && method === "POST") {
    return emptyBucket(res, context, caller, bucketId);
  } else if (action === undefined) {
    if (method === "GET") return getBucket(res, context, caller, bucketId);
    if (method === "PUT") return updateBucket(res, context, caller, bucketId, await jsonBody(req));
    if (method === "DELETE") return deleteBucket(res, context, caller, bucketId);
  }
  throw storageFailures.notFound(`${method} /bucket/${rest}`);
}

/**
 * The Storage API calls supabase-js makes (objects and buckets), with bytes on disk and rows in
 * storage.objects. Every row access runs as the caller, so the project's policies decide.
 */
export function createStorageHandler(
  sql: Sql,
  root: string,
  jwtSecret: string,
  log: (line: string) => void,
): RouteHandler {
  const context: StorageContext = { sql, files: new ObjectFiles(root), jwtSecret };
  return async (req, res, path, url) => {
    try {
      const objectPath = /^\/object\/(.+)$/.exec(path)?.[1];
      if (objectPath !== undefined) return await routeObjects(req, res, context, objectPath, url);
      const bucketPath = /^\/bucket(?:\/(.*))?$/.exec(path);
      if (bucketPath) return await routeBuckets(req, res, context, bucketPath[1] ?? "");
      throw storageFailures.notFound(`${req.method} ${path}`);
    } catch (error) {
      if (error instanceof StorageFailure) return sendStorageFailure(res, error);
      log(
        `[storage] ${req.method} ${path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) sendStorageFailure(res, new StorageFailure(500, "500", "internal", message));
      else res.destroy();
    }
  };
}
