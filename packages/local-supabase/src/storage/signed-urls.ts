import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "../http-io.ts";
import { JwtError, signJwt, stringClaim, verifyJwt } from "../jwt.ts";
import { storageFailures } from "./errors.ts";
import { findVisibleObject, sendObject } from "./object-routes.ts";
import type { Caller, StorageContext } from "./storage-context.ts";

/**
 * Signed URLs as storage-api makes them: a JWT over `<bucket>/<name>` signed with the project
 * secret. Creating one needs the caller to see the object; using one needs nothing else.
 */
function signedPath(context: StorageContext, bucketId: string, name: string, expiresIn: number): string {
  const iat = Math.floor(Date.now() / 1000);
  const token = signJwt({ url: `${bucketId}/${name}`, iat, exp: iat + expiresIn }, context.jwtSecret);
  // Unencoded: storage-js runs encodeURI over the whole URL itself.
  return `/object/sign/${bucketId}/${name}?token=${token}`;
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
  sendJson(res, 200, { signedURL: signedPath(context, bucketId, name, expiresIn) });
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
        return { error: null, path, signedURL: signedPath(context, bucketId, path, expiresIn) };
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
  const token = url.searchParams.get("token");
  if (!token) throw storageFailures.invalidRequest("Missing token");
  let signedFor: string | undefined;
  try {
    signedFor = stringClaim(verifyJwt(token, context.jwtSecret), "url");
  } catch (error) {
    throw storageFailures.invalidJwt(error instanceof JwtError ? error.message : "invalid token");
  }
  if (signedFor !== `${bucketId}/${name}`) throw storageFailures.invalidJwt("Invalid signature for this URL");
  const service: Caller = { role: "service_role", claims: { role: "service_role" }, userId: null };
  const row = await findVisibleObject(context, service, bucketId, name);
  await sendObject(req, res, context, row, url);
}
