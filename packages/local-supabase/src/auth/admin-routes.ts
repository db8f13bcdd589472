import type { IncomingMessage, ServerResponse } from "node:http";
import postgres from "postgres";
import { asRecord, optionalString, sendJson } from "../http-io.ts";
import { API_VERSION_HEADERS, AuthApiFailure, failures } from "./errors.ts";
import { assertStrongEnough, hashPassword } from "./passwords.ts";
import { readJsonBody, requireAdmin, UUID, type AuthContext } from "./request-auth.ts";
import {
  findUserByEmail,
  findUserById,
  identitiesOf,
  insertUser,
  loadUserJson,
  mergeMetadata,
  USER_COLUMNS,
  userJson,
  type UserRow,
} from "./users.ts";
import { banUntil, normalizeEmail } from "./validation.ts";
import { generateLink } from "./admin-links.ts";
import { jsonb } from "../sql-json.ts";

const DEFAULT_PER_PAGE = 50;

/**
 * A pagination parameter as GoTrue parses it (strconv.ParseUint): auth-js sends `page=&per_page=`
 * when unset, so an empty string means the default; anything but digits is a 400.
 */
function pageParam(name: string, raw: string | null, fallback: number): number {
  if (raw === null || raw === "") return fallback;
  if (!/^\d{1,15}$/.test(raw)) {
    throw failures.validation(
      `Bad Pagination Parameters: strconv.ParseUint: parsing "${raw}": invalid syntax`,
    );
  }
  const value = Number(raw);
  if (value < 1) throw failures.validation(`Bad Pagination Parameters: ${name} must be at least 1`);
  return value;
}

async function listUsers(res: ServerResponse, url: URL, context: AuthContext): Promise<void> {
  const { sql } = context;
  const page = pageParam("page", url.searchParams.get("page"), 1);
  const perPage = Math.min(pageParam("per_page", url.searchParams.get("per_page"), DEFAULT_PER_PAGE), 1000);
  // GoTrue's `filter`: a substring of the email or the name in user_metadata.
  const filter = url.searchParams.get("filter") ?? "";
  const pattern = `%${filter.replace(/[\\%_]/g, "\\$&")}%`;
  const where = filter
    ? sql`where email ilike ${pattern} or raw_user_meta_data ->> 'full_name' ilike ${pattern}`
    : sql``;
  const [{ total } = { total: 0 }] = await sql<{ total: number }[]>`
    select count(*)::int as total from auth.users ${where}
  `;
  const users = await sql<UserRow[]>`
    select ${sql(USER_COLUMNS)} from auth.users ${where}
    order by created_at desc nulls last, id
    limit ${perPage} offset ${Math.min((page - 1) * perPage, Number.MAX_SAFE_INTEGER)}
  `;
  const identities = await identitiesOf(
    sql,
    users.map((user) => user.id),
  );
  // GoTrue's pagination header, which auth-js parses into nextPage/lastPage.
  const lastPage = Math.max(1, Math.ceil(total / perPage));
  const links = [
    ...(page < lastPage ? [`</admin/users?page=${page + 1}&per_page=${perPage}>; rel="next"`] : []),
    `</admin/users?page=${lastPage}&per_page=${perPage}>; rel="last"`,
  ];
  sendJson(
    res,
    200,
    { users: users.map((user) => userJson(user, identities.get(user.id) ?? [])), aud: "authenticated" },
    { ...API_VERSION_HEADERS, "x-total-count": String(total), link: links.join(", ") },
  );
}

async function createUser(req: IncomingMessage, res: ServerResponse, context: AuthContext): Promise<void> {
  const body = await readJsonBody(req);
  const rawEmail = optionalString(body, "email");
  if (!rawEmail) throw failures.validation("Unable to validate email address: invalid format");
  const email = normalizeEmail(rawEmail);
  const password = optionalString(body, "password");
  if (password !== undefined) assertStrongEnough(password, context.auth.minimumPasswordLength);
  if (await findUserByEmail(context.sql, email)) throw failures.emailExists();
  const id = optionalString(body, "id");
  if (id !== undefined && !UUID.test(id)) throw failures.validation("id must be a UUID");

  let user: UserRow;
  try {
    user = await insertUser(context.sql, {
      id,
      email,
      passwordHash: password === undefined ? null : await hashPassword(password),
      emailConfirmed: body.email_confirm === true,
      userMetadata: asRecord(body.user_metadata),
      appMetadata: asRecord(body.app_metadata),
      role: optionalString(body, "role") ?? "authenticated",
      phone: optionalString(body, "phone") ?? null,
      signedIn: false,
      // The admin API keeps exactly the metadata it is given (no identity fields merged in).
      identityInMetadata: false,
    });
  } catch (error) {
    if (error instanceof postgres.PostgresError && error.code === "23505") throw failures.emailExists();
    const detail = error instanceof Error ? error.message : String(error);
    throw new AuthApiFailure(500, "unexpected_failure", `Database error creating new user: ${detail}`);
  }
  const banDuration = optionalString(body, "ban_duration");
  if (banDuration !== undefined) {
    const [banned] = await context.sql<UserRow[]>`
      update auth.users set banned_until = ${banUntil(banDuration)} where id = ${user.id} returning *
    `;
    if (banned) user = banned;
  }
  sendJson(res, 200, await loadUserJson(context.sql, user), API_VERSION_HEADERS);
}

async function updateUserById(
  req: IncomingMessage,
  res: ServerResponse,
  user: UserRow,
  context: AuthContext,
): Promise<void> {
  const body = await readJsonBody(req);
  const { sql } = context;
  const now = new Date();
  let updated = user;
  const apply = async (change: Promise<UserRow[]>): Promise<void> => {
    const [row] = await change;
    if (row) updated = row;
  };

  const rawEmail = optionalString(body, "email");
  if (rawEmail !== undefined) {
    const email = normalizeEmail(rawEmail);
    const owner = await findUserByEmail(sql, email);
    if (owner && owner.id !== user.id) throw failures.emailExists();
    await apply(sql<UserRow[]>`update auth.users set email = ${email} where id = ${user.id} returning *`);
  }
  const password = optionalString(body, "password");
  if (password !== undefined) {
    assertStrongEnough(password, context.auth.minimumPasswordLength);
    await apply(sql<UserRow[]>`
      update auth.users set encrypted_password = ${await hashPassword(password)} where id = ${user.id} returning *
    `);
  }
  if (body.email_confirm === true && !updated.email_confirmed_at) {
    await apply(
      sql<UserRow[]>`update auth.users set email_confirmed_at = ${now} where id = ${user.id} returning *`,
    );
  }
  if (body.user_metadata !== undefined) {
    const metadata = mergeMetadata(updated.raw_user_meta_data, asRecord(body.user_metadata));
    await apply(sql<UserRow[]>`
      update auth.users set raw_user_meta_data = ${jsonb(sql, metadata)} where id = ${user.id} returning *
    `);
  }
  if (body.app_metadata !== undefined) {
    const metadata = mergeMetadata(updated.raw_app_meta_data, asRecord(body.app_metadata));
    await apply(sql<UserRow[]>`
      update auth.users set raw_app_meta_data = ${jsonb(sql, metadata)} where id = ${user.id} returning *
    `);
  }
  const role = optionalString(body, "role");
  if (role !== undefined) {
    await apply(sql<UserRow[]>`update auth.users set role = ${role} where id = ${user.id} returning *`);
  }
  const banDuration = optionalString(body, "ban_duration");
  if (banDuration !== undefined) {
    await apply(sql<UserRow[]>`
      update auth.users set banned_until = ${banUntil(banDuration)} where id = ${user.id} returning *
    `);
  }
  await apply(sql<UserRow[]>`update auth.users set updated_at = ${now} where id = ${user.id} returning *`);
  sendJson(res, 200, await loadUserJson(sql, updated), API_VERSION_HEADERS);
}

async function deleteUser(
  req: IncomingMessage,
  res: ServerResponse,
  user: UserRow,
  context: AuthContext,
): Promise<void> {
  const body = await readJsonBody(req);
  const { sql } = context;
  const json = await loadUserJson(sql, user);
  if (body.should_soft_delete === true) {
    // What GoTrue does on soft delete: the row stays (foreign keys keep working), sign-in stops.
    await sql.begin(async (tx) => {
      await tx`delete from auth.sessions where user_id = ${user.id}`;
      await tx`delete from auth.identities where user_id = ${user.id}`;
      await tx`
        update auth.users
        set deleted_at = now(), updated_at = now(), email = null, phone = null, encrypted_password = '',
            raw_user_meta_data = '{}'::jsonb, raw_app_meta_data = '{}'::jsonb
        where id = ${user.id}
      `;
    });
  } else {
    await sql`delete from auth.users where id = ${user.id}`;
  }
  sendJson(res, 200, json, API_VERSION_HEADERS);
}

/** `/admin/...` for the service role only: users and generate_link; other paths are a 404. */
export async function adminRoutes(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  url: URL,
  context: AuthContext,
): Promise<void> {
  await requireAdmin(req, context.settings);
  if (path === "/admin/generate_link" && req.method === "POST") return generateLink(req, res, url, context);
  if (path === "/admin/users") {
    if (req.method === "GET") return listUsers(res, url, context);
    if (req.method === "POST") return createUser(req, res, context);
    throw failures.notFound(`${req.method} ${path}`);
  }
  const id = /^\/admin\/users\/([^/]+)$/.exec(path)?.[1];
  if (id === undefined) throw failures.notFound(`${req.method} ${path}`);
  const user = UUID.test(id) ? await findUserById(context.sql, id) : null;
  if (!user) throw failures.userNotFound();
  if (req.method === "GET")
    return sendJson(res, 200, await loadUserJson(context.sql, user), API_VERSION_HEADERS);
  if (req.method === "PUT") return updateUserById(req, res, user, context);
  if (req.method === "DELETE") return deleteUser(req, res, user, context);
  throw failures.notFound(`${req.method} ${path}`);
}
