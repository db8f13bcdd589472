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
};

/** Maps the Postgres errors a storage request can expect onto the Storage API's answers. */
export function storageFailureFromDb(error: unknown): StorageFailure | null {
  if (!(error instanceof postgres.PostgresError)) return null;
  switch (error.code) {
    case "42501": // insufficient_privilege: RLS WITH CHECK or a missing grant
      return storageFailures.rlsViolation();
    case "23505":
      return storageFailures.duplicate();
    case "23503":
      return error.constraint_name?.includes("bucket") ? storageFailures.bucketNotFound() : null;
    case "22P02":
    case "23514":
      return storageFailures.invalidRequest(error.message);
    default:
      return null;
  }
}
