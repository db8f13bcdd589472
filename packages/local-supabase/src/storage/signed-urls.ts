import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "../http-io.ts";
import { issueJwt, JwtError, stringClaim, verifyJwt, type JwtClaims } from "../jwt.ts";
import { storageFailures } from "./errors.ts";
import {
  checkCanUpload,
  findVisibleObject,
  putSignedObject,
  sendObject,
  SERVICE_CALLER,
} from "./object-routes.ts";
import type { Caller, StorageContext } from "./storage-context.ts";

/**
 * Signed URLs as storage-api makes them: a JWT over `<bucket>/<name>` signed with the project
 * secret and scoped to one action. A download URL needs the caller to see the object; an upload URL
 * needs the caller to be allowed to insert it. Using either needs nothing else.
 */
type SignedUrlScope = "download" | "upload";

/**
 * Hosted Supabase documents signed upload URLs as valid for 2 hours. (storage-api's own default,
 * UPLOAD_SIGNED_URL_EXPIRATION_TIME, is 60 seconds; the hosted platform sets it to 2 hours.)
 */
export const SIGNED_UPLOAD_URL_EXPIRES_IN = 2 * 60 * 60;

async function signedPath(
  context: StorageContext,
  bucketId: string,
  name: string,
  expiresIn: number,
): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  const token = await issueJwt(
    { url: `${bucketId}/${name}`, scope: "download", iat, exp: iat + expiresIn },
    context.jwtSecret,
  );
  // Unencoded: storage-js runs encodeURI over the whole URL itself.
  return `/object/sign/${bucketId}/${name}?token=${token}`;
}

/**
 * storage-api's verifyObjectSignature: signature and expiry (400 InvalidJWT), then the scope
 * (tokens from before scopes existed count as upload tokens when they carry `upsert`), then that
 * the token was signed for exactly this `<bucket>/<name>` (400 InvalidSignature).
 */
async function verifyObjectSignature(
  context: StorageContext,
  token: string | null,
  bucketId: string,
  name: string,
  scope: SignedUrlScope,
): Promise<JwtClaims> {
  if (!token) throw storageFailures.missingToken();
  let claims: JwtClaims;
  try {
    claims = await verifyJwt(token, context.jwtSecret);
  } catch (error) {
    if (!(error instanceof JwtError)) throw error;
    // storage-api verifies with jose too: its message is what clients see on hosted.
    throw storageFailures.invalidSignedToken(error.joseMessage);
  }
  const legacyScope: SignedUrlScope = "upsert" in claims ? "upload" : "download";
  if ((claims.scope ?? legacyScope) !== scope) {
    throw storageFailures.invalidSignature(`Token is not scoped for ${scope}`);
  }
  if (stringClaim(claims, "url") !== `${bucketId}/${name}`) throw storageFailures.invalidSignature();
  return claims;
}

function expiresInOf(body: Record<string, unknown>): number {
  const expiresIn = Number(body.expiresIn);
  if (!Number.isFinite(expiresIn) || expiresIn <= 0)
    throw storageFailures.invalidRequest("expiresIn must be a positive number");
  return Math.floor(expiresIn);
}

export async function createSignedUrl(
  res: ServerResponse,
  context: StorageContext,
  caller: Caller,
  bucketId: string,
  name: string,
  body: Record<string, unknown>,
): Promise<void> {
  const expiresIn = expiresInOf(body);
  await findVisibleObject(context, caller, bucketId, name);
  sendJson(res, 200, { signedURL: await signedPath(context, bucketId, name, expiresIn) });
}

export async function createSignedUrls(
  res: ServerResponse,
  context: StorageContext,
  caller: Caller,
  bucketId: string,
  body: Record<string, unknown>,
): Promise<void> {
  const expiresIn = expiresInOf(body);
  const paths = Array.isArray(body.paths) ? body.paths.filter((p): p is string => typeof p === "string") : [];
  const results = await Promise.all(
    paths.map(async (path) => {
      try {
        await findVisibleObject(context, caller, bucketId, path);
        return { error: null, path, signedURL: await signedPath(context, bucketId, path, expiresIn) };
      } catch {
        return {
          error: "Either the object does not exist or you do not have access to it",
          path,
          signedURL: null,
        };
      }
    }),
  );
  sendJson(res, 200, results);
}

export async function serveSignedObject(
  req: IncomingMessage,
  res: ServerResponse,
  context: StorageContext,
  bucketId: string,
  name: string,
  url: URL,
): Promise<void> {
  await verifyObjectSignature(context, url.searchParams.get("token"), bucketId, name, "download");
  const row = await findVisibleObject(context, SERVICE_CALLER, bucketId, name);
  await sendObject(req, res, context, row, url);
}

/** `x-metadata`, base64 JSON; storage-api ignores a value it cannot parse. */
function headerUserMetadata(req: IncomingMessage): Record<string, unknown> | null {
  const header = req.headers["x-metadata"];
  if (typeof header !== "string") return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(header, "base64").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * POST /object/upload/sign/:bucket/*name (`x-upsert: true` for an upsert URL): checks that the
 * caller may insert (or upsert) the object with a rolled-back test write, then answers
 * `{ url: "/object/upload/sign/<bucket>/<name>?token=<jwt>", token }`. The token carries
 * `owner` (the signed-in user's id, absent otherwise), `url`, `upsert`, `scope: "upload"`, `iat`, `exp`.
 */
export async function createSignedUploadUrl(
  req: IncomingMessage,
  res: ServerResponse,
  context: StorageContext,
  caller: Caller,
  bucketId: string,
  name: string,
): Promise<void> {
  const upsert = req.headers["x-upsert"] === "true";
  // What storage-api puts in the stand-in row: the sign request's own content type and length.
  const contentLength = req.headers["content-length"];
  const metadata: Record<string, unknown> = {};
  if (req.headers["content-type"] !== undefined) metadata.mimetype = req.headers["content-type"];
  if (contentLength !== undefined) metadata.contentLength = Number(contentLength);
  await checkCanUpload(context, caller, bucketId, name, {
    upsert,
    metadata,
    userMetadata: headerUserMetadata(req),
  });

  const urlPath = `${bucketId}/${name}`;
  const iat = Math.floor(Date.now() / 1000);
  const token = await issueJwt(
    {
      owner: caller.userId ?? undefined,
      url: urlPath,
      upsert,
      scope: "upload",
      iat,
      exp: iat + SIGNED_UPLOAD_URL_EXPIRES_IN,
    },
    context.jwtSecret,
  );
  // Unencoded, as storage-api answers it: storage-js parses it with `new URL`.
  sendJson(res, 200, { url: `/object/upload/sign/${urlPath}?token=${token}`, token });
}

/**
 * PUT /object/upload/sign/:bucket/*name?token=<jwt>: no authorization needed beyond the token. The
 * token's `upsert` decides (the request's `x-upsert` is ignored) and its `owner` owns the object.
 */
export async function uploadToSignedUrl(
  req: IncomingMessage,
  res: ServerResponse,
  context: StorageContext,
  bucketId: string,
  name: string,
  url: URL,
): Promise<void> {
  const claims = await verifyObjectSignature(
    context,
    url.searchParams.get("token"),
    bucketId,
    name,
    "upload",
  );
  await putSignedObject(req, res, context, bucketId, name, {
    owner: stringClaim(claims, "owner") ?? null,
    upsert: claims.upsert === true,
  });
}
