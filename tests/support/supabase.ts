import { randomUUID } from "node:crypto";

import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import postgres from "postgres";
import { inject } from "vitest";

import type { Database } from "../../apps/web/lib/supabase/database.types";

export type TypedClient = SupabaseClient<Database>;

const clientOptions = { auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } };

/** The throw-away stack the integration project's global setup started. */
export function stack() {
  return inject("supabase");
}

export function anonClient(): TypedClient {
  const { url, anonKey } = stack();
  return createClient<Database>(url, anonKey, clientOptions);
}

export function serviceClient(): TypedClient {
  const { url, serviceRoleKey } = stack();
  return createClient<Database>(url, serviceRoleKey, clientOptions);
}

/** A direct connection as `postgres` (the migration role, as on hosted Supabase) for assertions the API cannot make. Close it in afterAll. */
export function sql() {
  return postgres(stack().dbUrl, { max: 2, onnotice: () => {} });
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  client: TypedClient;
}

/** Signs up a fresh user through the public API and returns a client signed in as them. */
export async function createTestUser(options: { displayName?: string } = {}): Promise<TestUser> {
  const email = `user-${randomUUID()}@test.example`;
  const password = `pw-${randomUUID()}`;
  const client = anonClient();
  const { data, error } = await client.auth.signUp({
    email,
    password,
    options: { data: options.displayName ? { display_name: options.displayName } : {} },
  });
  if (error) throw error;
  if (!data.user || !data.session) throw new Error("sign-up returned no session");
  return { id: data.user.id, email, password, client };
}

/** The personal organization the sign-up trigger created for a user. */
export async function personalOrgId(user: TestUser): Promise<string> {
  const { data, error } = await serviceClient()
    .from("organizations")
    .select("id")
    .eq("created_by", user.id)
    .eq("is_personal", true)
    .single();
  if (error) throw error;
  return data.id;
}

type Role = Database["public"]["Enums"]["org_role"];

/** A fresh organization owned by `owner`, with the other users added in the given roles. */
export async function createOrg(owner: TestUser, others: [TestUser, Role][] = []): Promise<string> {
  const admin = serviceClient();
  const { data: orgId, error } = await admin.rpc("create_organization", {
    p_name: `Org ${randomUUID().slice(0, 8)}`,
    p_owner: owner.id,
  });
  if (error) throw error;
  for (const [user, role] of others) {
    const added = await admin.rpc("set_membership", {
      p_org_id: orgId,
      p_user_id: user.id,
      p_role: role,
      p_actor: owner.id,
    });
    if (added.error) throw added.error;
  }
  return orgId;
}

/**
 * Uploads a file to a record the way the app's upload form does: the server-side step
 * (prepareRecordFileUpload, as `user`) hands out a signed upload URL, and the bytes go straight to
 * Storage with it. Returns the record_files row the storage triggers wrote.
 */
export async function uploadFileAs(user: TestUser, params: { orgId: string; recordId: string; file: File }) {
  const { prepareRecordFileUpload } = await import("@/lib/files/mutations");
  const upload = await prepareRecordFileUpload(user.client, {
    orgId: params.orgId,
    recordId: params.recordId,
    fileName: params.file.name,
    size: params.file.size,
  });
  const stored = await user.client.storage
    .from(upload.bucket)
    .uploadToSignedUrl(upload.path, upload.token, params.file, {
      contentType: params.file.type || "application/octet-stream",
      metadata: { file_name: params.file.name },
    });
  if (stored.error) throw stored.error;
  const { data, error } = await serviceClient()
    .from("record_files")
    .select(
      "id, org_id, record_id, file_name, content_type, size_bytes, storage_path, uploaded_by, created_at",
    )
    .eq("id", upload.fileId)
    .single();
  if (error) throw error;
  return data;
}

export interface InboxMessage {
  id: string;
  to: string;
  subject: string;
  created_at: string;
  html: string;
  links: string[];
}

/** The emails the stack's auth server sent to `to`, newest first, with their links (the local inbox's API). */
export async function inbox(to: string): Promise<InboxMessage[]> {
  const base = stack().inboxUrl;
  const list = (await (await fetch(`${base}/api/v1/messages?to=${encodeURIComponent(to)}`)).json()) as {
    messages: { id: string }[];
  };
  return Promise.all(
    list.messages.map(
      async ({ id }) => (await (await fetch(`${base}/api/v1/messages/${id}`)).json()) as InboxMessage,
    ),
  );
}

/** The token hash and type of the /auth/confirm link in an email (as the app's templates write it). */
export function confirmLink(message: InboxMessage): { tokenHash: string; type: string; next: string } {
  const link = message.links.find((href) => href.includes("/auth/confirm?"));
  if (!link) throw new Error(`no /auth/confirm link in "${message.subject}"`);
  const url = new URL(link);
  return {
    tokenHash: url.searchParams.get("token_hash") ?? "",
    type: url.searchParams.get("type") ?? "",
    next: url.searchParams.get("next") ?? "",
  };
}
