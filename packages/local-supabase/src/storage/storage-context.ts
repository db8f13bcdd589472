import type { IncomingMessage } from "node:http";
import type { Sql, TransactionSql } from "postgres";
import { bearerToken } from "../http-io.ts";
import { JwtError, stringClaim, verifyJwt, type JwtClaims } from "../jwt.ts";
import { API_ROLES, asRequestRole, type ApiRole } from "../request-role.ts";
import { storageFailureFromDb, storageFailures } from "./errors.ts";
import type { ObjectFiles } from "./object-files.ts";

export interface StorageContext {
  /** Connected as supabase_storage_admin, the tables' owner: RLS does not apply to it. */
  sql: Sql;
  files: ObjectFiles;
  jwtSecret: string;
}

export interface Caller {
  role: ApiRole;
  claims: JwtClaims;
  /** The user's id for `owner`/`owner_id`, or null for the anon and service roles. */
  userId: string | null;
}

export async function callerOf(req: IncomingMessage, jwtSecret: string): Promise<Caller> {
  const token = bearerToken(req);
  if (!token) throw storageFailures.missingAuthorization();
  let claims: JwtClaims;
  try {
    claims = await verifyJwt(token, jwtSecret);
  } catch (error) {
    throw storageFailures.invalidJwt(error instanceof JwtError ? error.message : "invalid JWT");
  }
  const role = stringClaim(claims, "role") ?? "";
  if (!API_ROLES.has(role)) throw storageFailures.invalidJwt(`role "${role}" is not allowed`);
  const sub = stringClaim(claims, "sub");
  return { role: role as ApiRole, claims, userId: role === "authenticated" && sub ? sub : null };
}

/**
 * What storage-api sets in every request's transaction (src/internal/database/postgres/scope.ts):
 * storage.protect_delete() lets rows of storage.objects and storage.buckets be deleted only then,
 * so a project's SQL cannot delete them behind the Storage API's back.
 */
const STORAGE_SCOPE = { "storage.allow_delete_query": "true" };

/** Runs `work` as the caller, turning the Postgres errors RLS and constraints raise into Storage API errors. */
export async function asCaller<T>(
  context: StorageContext,
  caller: Caller,
  work: (tx: TransactionSql) => Promise<T>,
): Promise<T> {
  try {
    return await asRequestRole(context.sql, caller.role, caller.claims, work, STORAGE_SCOPE);
  } catch (error) {
    throw storageFailureFromDb(error) ?? error;
  }
}

export interface BucketRow {
  id: string;
  name: string;
  owner: string | null;
  owner_id: string | null;
  public: boolean | null;
  file_size_limit: string | number | null;
  allowed_mime_types: string[] | null;
  created_at: Date | null;
  updated_at: Date | null;
}

/** Bucket settings are read with the owner connection, as storage-api does, before the caller's own checks. */
export async function findBucket(context: StorageContext, bucketId: string): Promise<BucketRow | null> {
  const [bucket] = await context.sql<BucketRow[]>`
    select id, name, owner, owner_id, public, file_size_limit, allowed_mime_types, created_at, updated_at
    from storage.buckets where id = ${bucketId}
  `;
  return bucket ?? null;
}
