import type { ServerResponse } from "node:http";
import postgres from "postgres";
import { sendJson } from "../http-io.ts";

/** An expected failure in the Storage API's error shape, which storage-js turns into StorageApiError. */
export class StorageFailure extends Error {
  constructor(
    readonly status: number,
    readonly statusCode: string,
    readonly error: string,
    message: string,
  ) {
    super(message);
    this.name = "StorageFailure";
  }
}

export function sendStorageFailure(res: ServerResponse, failure: StorageFailure): void {
  sendJson(res, failure.status, {
    statusCode: failure.statusCode,
    error: failure.error,
    message: failure.message,
  });
}

export const storageFailures = {
  objectNotFound: () => new StorageFailure(404, "404", "not_found", "Object not found"),
  bucketNotFound: () => new StorageFailure(404, "404", "Bucket not found", "Bucket not found"),
  rlsViolation: () =>
    new StorageFailure(403, "403", "Unauthorized", "new row violates row-level security policy"),
  // As storage-api: HTTP 400 carrying statusCode "403".
  invalidJwt: (reason: string) => new StorageFailure(400, "403", "Unauthorized", reason),
  missingAuthorization: () =>
    new StorageFailure(400, "400", "Error", "headers must have required property 'authorization'"),
  duplicate: () => new StorageFailure(409, "409", "Duplicate", "The resource already exists"),
  invalidKey: (key: string) => new StorageFailure(400, "400", "InvalidKey", `Invalid key: ${key}`),
  invalidRequest: (message: string) => new StorageFailure(400, "400", "InvalidRequest", message),
  bucketNotEmpty: () =>
    new StorageFailure(409, "409", "InvalidRequest", "The bucket you tried to delete is not empty"),
  tooLarge: () =>
    new StorageFailure(413, "413", "Payload too large", "The object exceeded the maximum allowed size"),
  mimeNotAllowed: (mime: string) =>
    new StorageFailure(415, "415", "invalid_mime_type", `mime type ${mime} is not supported`),
  notFound: (what: string) => new StorageFailure(404, "404", "not_found", `${what} is not supported locally`),
  // Signed URL tokens, as storage-api's verifyObjectSignature answers them: HTTP 400, statusCode "400".
  invalidSignedToken: (message: string) => new StorageFailure(400, "400", "InvalidJWT", message),
  invalidSignature: (message = "Invalid signature") =>
    new StorageFailure(400, "400", "InvalidSignature", message),
  missingToken: () =>
    new StorageFailure(400, "400", "Error", "querystring must have required property 'token'"),
  /** An error the database raised on purpose (a trigger's RAISE), carrying its own message. */
  raisedByDatabase: (status: number, message: string) =>
    new StorageFailure(status, String(status), "DatabaseError", message),
};

/** PostgREST's convention for errors raised on purpose: SQLSTATE `PTnnn` answers HTTP nnn. */
function customStatus(code: string): number | null {
  const match = /^PT([45]\d\d)$/.exec(code);
  return match?.[1] ? Number(match[1]) : null;
}

/**
 * Maps the Postgres errors a storage request can expect onto the Storage API's answers. Besides the
 * fixed mappings: a SQLSTATE `PTnnn` (400-599) answers HTTP nnn, as PostgREST does, and any other
 * error a PL/pgSQL RAISE threw on purpose (a trigger refusing the row) answers 400; both carry the
 * database's message. Anything else is left to the caller (a 500).
 */
export function storageFailureFromDb(error: unknown): StorageFailure | null {
  if (!(error instanceof postgres.PostgresError)) return null;
  const status = customStatus(error.code);
  if (status !== null) return storageFailures.raisedByDatabase(status, error.message);
  switch (error.code) {
    case "42501": // insufficient_privilege: RLS WITH CHECK or a missing grant
      return storageFailures.rlsViolation();
    case "23505":
      return storageFailures.duplicate();
    case "23503":
      if (error.constraint_name?.includes("bucket")) return storageFailures.bucketNotFound();
      break;
    case "22P02":
    case "23514":
      return storageFailures.invalidRequest(error.message);
  }
  // `routine` names the server function that reported the error: exec_stmt_raise is PL/pgSQL's RAISE.
  return error.routine === "exec_stmt_raise" ? storageFailures.raisedByDatabase(400, error.message) : null;
}
