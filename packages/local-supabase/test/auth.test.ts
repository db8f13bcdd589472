import { AuthApiError } from "@supabase/supabase-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_ANON_KEY, LOCAL_SERVICE_ROLE_KEY } from "../src/index.ts";
import { signedInClient, startTestStack, supabaseClient, type TestStack } from "./support/test-stack.ts";

// What `supabase start` prints: the keys must be byte-identical so .env files are interchangeable.
const CLI_ANON_KEY =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0";
const CLI_SERVICE_ROLE_KEY =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU";

// A seed user the way seed.sql files create them: pgcrypto bcrypt ($2a$06$...).
const SEED = `
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
values ('00000000-0000-0000-0000-000000000000', '11111111-1111-4111-8111-111111111111', 'authenticated',
  'authenticated', 'seeded@example.com', extensions.crypt('seeded-pass', extensions.gen_salt('bf')), now(),
  '{"provider":"email","providers":["email"],"is_admin":true}', '{"name":"Seeded"}', now(), now());
`;

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack({}, { seed: SEED });
}, 60_000);

afterAll(async () => {
  await env?.dispose();
});

describe("local keys", () => {
  it("are the Supabase CLI keys, byte for byte", () => {
    expect(LOCAL_ANON_KEY).toBe(CLI_ANON_KEY);
    expect(LOCAL_SERVICE_ROLE_KEY).toBe(CLI_SERVICE_ROLE_KEY);
  });
});

describe("auth API through supabase-js", () => {
  it("signs up with a confirmed email and a session carrying the hosted claims", async () => {
    const client = supabaseClient(env.stack);
    const { data, error } = await client.auth.signUp({
      email: "Ada@Example.com",
      password: "analytical-engine",
      options: { data: { name: "Ada" } },
    });
    expect(error).toBeNull();
    expect(data.user?.email).toBe("ada@example.com");
    expect(data.user?.email_confirmed_at).toBeTruthy();
    expect(data.user?.user_metadata).toMatchObject({ name: "Ada", email_verified: true });
    expect(data.session?.refresh_token).toBeTruthy();

    const payload = JSON.parse(
      Buffer.from(data.session?.access_token.split(".")[1] ?? "", "base64url").toString("utf8"),
    ) as Record<string, unknown>;
    expect(payload).toMatchObject({
      iss: `${env.stack.url}/auth/v1`,
      aud: "authenticated",
      role: "authenticated",
      sub: data.user?.id,
      email: "ada@example.com",
      aal: "aal1",
      app_metadata: { provider: "email", providers: ["email"] },
      user_metadata: { name: "Ada" },
      is_anonymous: false,
    });
    expect(payload.exp).toBe(Number(payload.iat) + 3600);
    expect(typeof payload.session_id).toBe("string");
  });

  it("refuses a second sign-up with the same email (422 user_already_exists)", async () => {
    await signedInClient(env.stack, "twice@example.com");
    const { error } = await supabaseClient(env.stack).auth.signUp({
      email: "twice@example.com",
      password: "another-pass",
    });
    expect(error).toBeInstanceOf(AuthApiError);
    expect(error?.code).toBe("user_already_exists");
    expect(error?.status).toBe(422);
  });

  it("rejects weak passwords and malformed emails with 4xx codes", async () => {
    const client = supabaseClient(env.stack);
    const weak = await client.auth.signUp({ email: "weak@example.com", password: "123" });
    expect(weak.error?.code).toBe("weak_password");
    expect(weak.error?.status).toBe(422);
    const bad = await client.auth.signUp({ email: "not-an-email", password: "long-enough" });
    expect(bad.error?.code).toBe("validation_failed");
    expect(bad.error?.status).toBe(400);
  });

  it("signs in with a password and answers a wrong one with invalid_credentials (400)", async () => {
    await signedInClient(env.stack, "grace@example.com", "cobol-1959");
    const client = supabaseClient(env.stack);

    const wrong = await client.auth.signInWithPassword({ email: "grace@example.com", password: "fortran" });
    expect(wrong.error).toBeInstanceOf(AuthApiError);
    expect(wrong.error?.code).toBe("invalid_credentials");
    expect(wrong.error?.status).toBe(400);

    const unknown = await client.auth.signInWithPassword({
      email: "nobody@example.com",
      password: "cobol-1959",
    });
    expect(unknown.error?.code).toBe("invalid_credentials");

    const right = await client.auth.signInWithPassword({
      email: "GRACE@example.com",
      password: "cobol-1959",
    });
    expect(right.error).toBeNull();
    expect(right.data.user?.email).toBe("grace@example.com");
    expect(right.data.user?.last_sign_in_at).toBeTruthy();
  });

  it("verifies the $2a$ hashes pgcrypto writes in seeds", async () => {
    const client = supabaseClient(env.stack);
    const { data, error } = await client.auth.signInWithPassword({
      email: "seeded@example.com",
      password: "seeded-pass",
    });
    expect(error).toBeNull();
    expect(data.user?.id).toBe("11111111-1111-4111-8111-111111111111");
    expect(data.user?.app_metadata).toMatchObject({ provider: "email", is_admin: true });
  });

  it("getUser returns the user behind the token", async () => {
    const { client, userId } = await signedInClient(env.stack, "linus@example.com");
    const { data, error } = await client.auth.getUser();
    expect(error).toBeNull();
    expect(data.user?.id).toBe(userId);
    expect(data.user?.identities?.[0]?.provider).toBe("email");
  });

  it("rotates refresh tokens and tolerates a concurrent reuse of the old one", async () => {
    const { client } = await signedInClient(env.stack, "rotate@example.com");
    const first = (await client.auth.getSession()).data.session;
    if (!first) throw new Error("no session");

    const refreshed = await client.auth.refreshSession();
    expect(refreshed.error).toBeNull();
    expect(refreshed.data.session?.refresh_token).not.toBe(first.refresh_token);

    // Another tab refreshing with the token that was just rotated gets the new one.
    const other = supabaseClient(env.stack);
    const reused = await other.auth.refreshSession({ refresh_token: first.refresh_token });
    expect(reused.error).toBeNull();
    expect(reused.data.session?.refresh_token).toBe(refreshed.data.session?.refresh_token);

    const bogus = await other.auth.refreshSession({ refresh_token: "not-a-token" });
    expect(bogus.error?.code).toBe("refresh_token_not_found");
    expect(bogus.error?.status).toBe(400);
  });

  it("updates user metadata and the password", async () => {
    const { client } = await signedInClient(env.stack, "update@example.com", "old-password");
    const { data, error } = await client.auth.updateUser({
      data: { theme: "dark" },
      password: "new-password",
    });
    expect(error).toBeNull();
    expect(data.user?.user_metadata).toMatchObject({ theme: "dark" });
    const again = await supabaseClient(env.stack).auth.signInWithPassword({
      email: "update@example.com",
      password: "new-password",
    });
    expect(again.error).toBeNull();
  });

  it("refuses the access token of a signed-out session", async () => {
    const { client } = await signedInClient(env.stack, "bye@example.com");
    const token = (await client.auth.getSession()).data.session?.access_token;
    if (!token) throw new Error("no session");
    expect((await client.auth.getUser(token)).error).toBeNull();

    expect((await client.auth.signOut()).error).toBeNull();

    const after = await supabaseClient(env.stack).auth.getUser(token);
    expect(after.data.user).toBeNull();
    expect(after.error?.name).toBe("AuthSessionMissingError");

    // And the raw API says why, with the hosted status and code.
    const res = await fetch(`${env.stack.url}/auth/v1/user`, {
      headers: { apikey: env.stack.anonKey, authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get("x-supabase-api-version")).toBe("2024-01-01");
    expect(await res.json()).toMatchObject({ code: "session_not_found", error_code: "session_not_found" });
  });

  it("answers a request without a token with 401 and a forged one with 403 bad_jwt", async () => {
    const anonymous = await fetch(`${env.stack.url}/auth/v1/user`, {
      headers: { apikey: env.stack.anonKey, authorization: "" },
    });
    expect([401, 403]).toContain(anonymous.status);
    const forged = await fetch(`${env.stack.url}/auth/v1/user`, {
      headers: { apikey: env.stack.anonKey, authorization: "Bearer a.b.c" },
    });
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ code: "bad_jwt" });
  });
});

describe("auth admin API", () => {
  it("creates, lists, updates and deletes users with the service role key", async () => {
    const admin = supabaseClient(env.stack, env.stack.serviceRoleKey).auth.admin;
    const created = await admin.createUser({
      email: "managed@example.com",
      password: "managed-pass",
      email_confirm: true,
      app_metadata: { plan: "pro" },
    });
    expect(created.error).toBeNull();
    const id = created.data.user?.id ?? "";
    expect(created.data.user?.app_metadata).toMatchObject({ provider: "email", plan: "pro" });

    const listed = await admin.listUsers();
    expect(listed.error).toBeNull();
    expect(listed.data.users.map((user) => user.email)).toContain("managed@example.com");
    expect("total" in listed.data ? listed.data.total : 0).toBeGreaterThanOrEqual(1);

    const paged = await admin.listUsers({ page: 1, perPage: 1 });
    expect(paged.data.users).toHaveLength(1);

    const fetched = await admin.getUserById(id);
    expect(fetched.data.user?.email).toBe("managed@example.com");

    const updated = await admin.updateUserById(id, { user_metadata: { nickname: "m" } });
    expect(updated.data.user?.user_metadata).toMatchObject({ nickname: "m" });

    const signIn = await supabaseClient(env.stack).auth.signInWithPassword({
      email: "managed@example.com",
      password: "managed-pass",
    });
    expect(signIn.error).toBeNull();

    expect((await admin.deleteUser(id)).error).toBeNull();
    expect((await admin.getUserById(id)).error?.status).toBe(404);
  });

  it("refuses the admin API to the anon key with 403", async () => {
    const admin = supabaseClient(env.stack).auth.admin;
    const listed = await admin.listUsers();
    expect(listed.error).toBeInstanceOf(AuthApiError);
    expect(listed.error?.status).toBe(403);
    const created = await admin.createUser({ email: "sneaky@example.com", password: "sneaky-pass" });
    expect(created.error?.status).toBe(403);
  });
});
