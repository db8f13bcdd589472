import { randomUUID } from "node:crypto";
import type { ISql } from "postgres";
import { jsonb } from "../sql-json.ts";

/** Either the pool or a transaction: every query here runs in both. */
export type Db = ISql;

type JsonObject = Record<string, unknown>;

export interface UserRow {
  id: string;
  aud: string | null;
  role: string | null;
  email: string | null;
  phone: string | null;
  encrypted_password: string | null;
  email_confirmed_at: Date | null;
  phone_confirmed_at: Date | null;
  confirmed_at: Date | null;
  invited_at: Date | null;
  last_sign_in_at: Date | null;
  raw_app_meta_data: JsonObject | null;
  raw_user_meta_data: JsonObject | null;
  created_at: Date | null;
  updated_at: Date | null;
  banned_until: Date | null;
  deleted_at: Date | null;
  is_anonymous: boolean;
  confirmation_sent_at: Date | null;
  recovery_sent_at: Date | null;
  email_change: string | null;
  email_change_sent_at: Date | null;
  email_change_confirm_status: number | null;
}

export interface IdentityRow {
  id: string;
  provider_id: string;
  user_id: string;
  identity_data: JsonObject;
  provider: string;
  last_sign_in_at: Date | null;
  created_at: Date | null;
  updated_at: Date | null;
  email: string | null;
}

export const USER_COLUMNS = [
  "id",
  "aud",
  "role",
  "email",
  "phone",
  "encrypted_password",
  "email_confirmed_at",
  "phone_confirmed_at",
  "confirmed_at",
  "invited_at",
  "last_sign_in_at",
  "raw_app_meta_data",
  "raw_user_meta_data",
  "created_at",
  "updated_at",
  "banned_until",
  "deleted_at",
  "is_anonymous",
  "confirmation_sent_at",
  "recovery_sent_at",
  "email_change",
  "email_change_sent_at",
  "email_change_confirm_status",
];

export async function findUserById(db: Db, id: string): Promise<UserRow | null> {
  const [user] = await db<UserRow[]>`select ${db(USER_COLUMNS)} from auth.users where id = ${id}`;
  return user ?? null;
}

/** GoTrue stores emails lower-cased; seeds may not, so compare case-insensitively. */
export async function findUserByEmail(db: Db, email: string): Promise<UserRow | null> {
  const [user] = await db<UserRow[]>`
    select ${db(USER_COLUMNS)} from auth.users
    where lower(email) = lower(${email}) and is_sso_user = false
    order by deleted_at nulls first
    limit 1
  `;
  return user ?? null;
}

export async function identitiesOf(db: Db, userIds: string[]): Promise<Map<string, IdentityRow[]>> {
  const byUser = new Map<string, IdentityRow[]>();
  if (userIds.length === 0) return byUser;
  const rows = await db<IdentityRow[]>`
    select id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at, email
    from auth.identities where user_id in ${db(userIds)}
    order by created_at
  `;
  for (const row of rows) byUser.set(row.user_id, [...(byUser.get(row.user_id) ?? []), row]);
  return byUser;
}

export function appMetadata(user: UserRow): JsonObject {
  return { provider: "email", providers: ["email"], ...(user.raw_app_meta_data ?? {}) };
}

function iso(date: Date | null): string | undefined {
  return date ? date.toISOString() : undefined;
}

/** GoTrue's User JSON: optional timestamps are left out when unset, as its `omitempty` does. */
export function userJson(user: UserRow, identities: IdentityRow[] = []): JsonObject {
  const optional: JsonObject = {
    email_confirmed_at: iso(user.email_confirmed_at),
    phone_confirmed_at: iso(user.phone_confirmed_at),
    confirmed_at: iso(user.confirmed_at),
    invited_at: iso(user.invited_at),
    confirmation_sent_at: iso(user.confirmation_sent_at),
    recovery_sent_at: iso(user.recovery_sent_at),
    new_email: user.email_change || undefined,
    email_change_sent_at: iso(user.email_change_sent_at),
    last_sign_in_at: iso(user.last_sign_in_at),
    banned_until: iso(user.banned_until),
    deleted_at: iso(user.deleted_at),
  };
  return {
    id: user.id,
    aud: user.aud ?? "",
    role: user.role ?? "",
    email: user.email ?? "",
    phone: user.phone ?? "",
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
    app_metadata: appMetadata(user),
    user_metadata: user.raw_user_meta_data ?? {},
    identities: identities.map((identity) => ({
      identity_id: identity.id,
      id: identity.provider_id,
      user_id: identity.user_id,
      identity_data: identity.identity_data,
      provider: identity.provider,
      last_sign_in_at: iso(identity.last_sign_in_at),
      created_at: iso(identity.created_at),
      updated_at: iso(identity.updated_at),
      email: identity.email ?? undefined,
    })),
    created_at: iso(user.created_at),
    updated_at: iso(user.updated_at),
    is_anonymous: user.is_anonymous,
  };
}

export async function loadUserJson(db: Db, user: UserRow): Promise<JsonObject> {
  const identities = await identitiesOf(db, [user.id]);
  return userJson(user, identities.get(user.id) ?? []);
}

/**
 * Merges like GoTrue's UpdateUserMetaData: top-level keys replace, a null value removes the key.
 */
export function mergeMetadata(current: JsonObject | null, update: JsonObject): JsonObject {
  const merged: JsonObject = { ...(current ?? {}) };
  for (const [key, value] of Object.entries(update)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

export interface NewUser {
  email: string;
  passwordHash: string | null;
  emailConfirmed: boolean;
  userMetadata: JsonObject;
  appMetadata: JsonObject;
  role: string;
  phone: string | null;
  signedIn: boolean;
  id?: string;
  /**
   * Sign-up copies the identity's data (sub, email, email_verified, phone_verified) into
   * user_metadata, as GoTrue does; the admin API keeps exactly the metadata it was given.
   */
  identityInMetadata?: boolean;
  invited?: boolean;
}

/**
 * Inserts the user and its email identity.
 */
export async function insertUser(db: Db, input: NewUser): Promise<UserRow> {
  const id = input.id ?? randomUUID();
  const now = new Date();
  const identityData = {
    sub: id,
    email: input.email,
    email_verified: input.emailConfirmed,
    phone_verified: false,
  };
  const userMetadata =
    input.identityInMetadata === false ? input.userMetadata : { ...input.userMetadata, ...identityData };
  const appMeta = { provider: "email", providers: ["email"], ...input.appMetadata };
  const [user] = await db<UserRow[]>`
    insert into auth.users (
      instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, last_sign_in_at,
      raw_app_meta_data, raw_user_meta_data, created_at, updated_at, phone,
      confirmation_token, recovery_token, email_change_token_new, email_change, invited_at
    ) values (
      '00000000-0000-0000-0000-000000000000', ${id}, 'authenticated', ${input.role}, ${input.email},
      ${input.passwordHash}, ${input.emailConfirmed ? now : null}, ${input.signedIn ? now : null},
      ${jsonb(db, appMeta)}, ${jsonb(db, userMetadata)}, ${now}, ${now}, ${input.phone},
      '', '', '', '', ${input.invited ? now : null}
    )
    returning ${db(USER_COLUMNS)}
  `;
  if (!user) throw new Error("insert into auth.users returned no row");
  await db`
    insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
    values (${id}, ${id}, ${jsonb(db, identityData)}, 'email', ${input.signedIn ? now : null}, ${now}, ${now})
  `;
  return user;
}
