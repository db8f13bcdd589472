import { createHash, randomInt, randomUUID } from "node:crypto";
import type { Db } from "./users.ts";

/** The kinds of one-time token GoTrue keeps in auth.one_time_tokens, one of each per user at most. */
export type TokenType =
  | "confirmation_token"
  | "recovery_token"
  | "email_change_token_new"
  | "email_change_token_current"
  | "reauthentication_token";

/** A numeric code of `length` digits (GoTrue's crypto.GenerateOtp). */
export function generateOtp(length: number): string {
  let otp = "";
  for (let index = 0; index < length; index += 1) otp += String(randomInt(10));
  return otp;
}

/**
 * What GoTrue stores and puts in links instead of the code: hex SHA-224 of the address followed by
 * the code, so a code only works for the address it was sent to.
 */
export function tokenHash(email: string, otp: string): string {
  return createHash("sha224")
    .update(email + otp)
    .digest("hex");
}

/** PKCE-initiated links carry `pkce_` so /verify answers them with an auth code instead of tokens. */
export function withFlowPrefix(hash: string, pkce: boolean): string {
  return pkce ? `pkce_${hash}` : hash;
}

/** Replaces the user's token of this type (CreateOneTimeToken). */
export async function storeToken(
  db: Db,
  userId: string,
  type: TokenType,
  hash: string,
  relatesTo: string,
): Promise<void> {
  await db`delete from auth.one_time_tokens where user_id = ${userId} and token_type = ${type}`;
  await db`
    insert into auth.one_time_tokens (id, user_id, token_type, token_hash, relates_to)
    values (${randomUUID()}, ${userId}, ${type}, ${hash}, ${relatesTo.toLowerCase()})
  `;
}

/** The user holding a token with this hash, of one of `types`; locks the row against a second use. */
export async function findTokenOwner(
  db: Db,
  hash: string,
  types: TokenType[],
): Promise<{ userId: string; type: TokenType } | null> {
  const [row] = await db<{ user_id: string; token_type: TokenType }[]>`
    select user_id, token_type from auth.one_time_tokens
    where token_hash = ${hash} and token_type in ${db(types)}
    limit 1
    for update
  `;
  return row ? { userId: row.user_id, type: row.token_type } : null;
}

export async function clearTokens(db: Db, userId: string, type?: TokenType): Promise<void> {
  if (type) await db`delete from auth.one_time_tokens where user_id = ${userId} and token_type = ${type}`;
  else await db`delete from auth.one_time_tokens where user_id = ${userId}`;
}
