import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_TEMPLATES, EMAIL_ACTIONS, type EmailTemplate } from "../src/auth/auth-settings.ts";
import type { MailMessage } from "../src/inbox/mailbox.ts";
import { messageLinks } from "../src/inbox/inbox-server.ts";
import { startTestStack, supabaseClient, type TestStack } from "./support/test-stack.ts";

// Two stacks: the Supabase CLI's defaults (mailer autoconfirm) with a 60 s send frequency, and one
// with confirmations on, double-confirmed email changes and a small hourly email budget.
let cli: TestStack;
let confirming: TestStack;
let cliSql: postgres.Sql;

const APP = "http://127.0.0.1:3000";

// GoTrue's default templates, with the code as projects usually add it.
const templates = Object.fromEntries(
  EMAIL_ACTIONS.map((action) => [
    action,
    {
      ...DEFAULT_TEMPLATES[action],
      body: `${DEFAULT_TEMPLATES[action].body}\n<p>Or enter the code: {{ .Token }}</p>`,
    },
  ]),
) as Record<(typeof EMAIL_ACTIONS)[number], EmailTemplate>;

beforeAll(async () => {
  [cli, confirming] = await Promise.all([
    startTestStack({}, { auth: { maxFrequency: 60, templates } }),
    startTestStack(
      {},
      {
        auth: {
          mailerAutoconfirm: false,
          secureEmailChange: true,
          maxFrequency: 0,
          emailsPerHour: 12,
          templates,
        },
      },
    ),
  ]);
  cliSql = postgres(cli.stack.dbUrl, { max: 1, onnotice: () => undefined });
}, 60_000);

afterAll(async () => {
  await cliSql?.end();
  await Promise.all([cli?.dispose(), confirming?.dispose()]);
});

let counter = 0;
function address(label: string): string {
  counter += 1;
  return `${label}-${counter}-${Date.now()}@example.com`;
}

function lastMail(env: TestStack, to: string): MailMessage {
  const [message] = env.stack.mailbox.list(to);
  if (!message) throw new Error(`no email to ${to}`);
  return message;
}

function otpOf(message: MailMessage): string {
  const code = /code: (\d{6})/.exec(message.html)?.[1];
  if (!code) throw new Error(`no code in ${message.subject}`);
  return code;
}

/** The /verify link of a message (GoTrue's default templates carry one). */
function verifyLink(message: MailMessage): URL {
  const link = messageLinks(message.html).find((href) => href.includes("/verify?"));
  if (!link) throw new Error(`no /verify link in ${message.subject}`);
  return new URL(link);
}

async function follow(link: URL | string): Promise<URL> {
  const res = await fetch(link, { redirect: "manual" });
  expect(res.status).toBe(303);
  return new URL(res.headers.get("location") ?? "");
}

function fragment(url: URL): URLSearchParams {
  return new URLSearchParams(url.hash.slice(1));
}

async function userWithPassword(
  env: TestStack,
  email: string,
  password = "first-password-1",
): Promise<string> {
  const admin = supabaseClient(env.stack, env.stack.serviceRoleKey).auth.admin;
  const { data, error } = await admin.createUser({ email, password, email_confirm: true });
  if (error || !data.user) throw error ?? new Error("no user");
  return data.user.id;
}

function pkceClient(env: TestStack): SupabaseClient {
  const store = new Map<string, string>();
  return createClient(env.stack.url, env.stack.anonKey, {
    auth: {
      flowType: "pkce",
      persistSession: true,
      autoRefreshToken: false,
      detectSessionInUrl: false,
      storage: {
        getItem: (key: string) => store.get(key) ?? null,
        setItem: (key: string, value: string) => void store.set(key, value),
        removeItem: (key: string) => void store.delete(key),
      },
    },
  });
}

describe("POST /recover", () => {
  it("emails a single-use link that signs in and lets the user set a new password", async () => {
    const email = address("recover");
    await userWithPassword(cli, email);
    const client = supabaseClient(cli.stack);
    const sent = await client.auth.resetPasswordForEmail(email, { redirectTo: `${APP}/en/reset-password` });
    expect(sent.error).toBeNull();
    const message = lastMail(cli, email);
    expect(message.subject).toBe("Reset your password");
    const link = verifyLink(message);
    expect(link.searchParams.get("type")).toBe("recovery");
    expect(link.searchParams.get("redirect_to")).toBe(`${APP}/en/reset-password`);

    const landed = await follow(link);
    expect(`${landed.origin}${landed.pathname}`).toBe(`${APP}/en/reset-password`);
    const tokens = fragment(landed);
    expect(tokens.get("type")).toBe("recovery");
    const accessToken = tokens.get("access_token") ?? "";
    const session = await client.auth.setSession({
      access_token: accessToken,
      refresh_token: tokens.get("refresh_token") ?? "",
    });
    expect(session.error).toBeNull();
    expect((await client.auth.updateUser({ password: "second-password-2" })).error).toBeNull();
    const signIn = await supabaseClient(cli.stack).auth.signInWithPassword({
      email,
      password: "second-password-2",
    });
    expect(signIn.error).toBeNull();

    // Used once: the same link now redirects with GoTrue's error.
    const again = fragment(await follow(link));
    expect(again.get("error_code")).toBe("otp_expired");
    expect(again.get("error")).toBe("access_denied");
  });

  it("answers {} for an unknown address and sends nothing (no enumeration)", async () => {
    const email = address("nobody");
    const res = await fetch(`${cli.stack.url}/auth/v1/recover`, {
      method: "POST",
      headers: { apikey: cli.stack.anonKey, "content-type": "application/json" },
      body: JSON.stringify({ email }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect(cli.stack.mailbox.list(email)).toHaveLength(0);
  });

  it("refuses a second email within max_frequency with 429 over_email_send_rate_limit", async () => {
    const email = address("twice");
    await userWithPassword(cli, email);
    const client = supabaseClient(cli.stack);
    expect((await client.auth.resetPasswordForEmail(email)).error).toBeNull();
    const second = await client.auth.resetPasswordForEmail(email);
    expect(second.error?.status).toBe(429);
    expect(second.error?.code).toBe("over_email_send_rate_limit");
    expect(second.error?.message).toMatch(/only request this after \d+ seconds/);
    expect(cli.stack.mailbox.list(email)).toHaveLength(1);
  });

  it("refuses an expired link and a link verified as another type", async () => {
    const email = address("expired");
    await userWithPassword(cli, email);
    const client = supabaseClient(cli.stack);
    await client.auth.resetPasswordForEmail(email);
    const tokenHash = verifyLink(lastMail(cli, email)).searchParams.get("token") ?? "";

    const wrongType = await client.auth.verifyOtp({ token_hash: tokenHash, type: "signup" });
    expect(wrongType.error?.status).toBe(403);
    expect(wrongType.error?.code).toBe("otp_expired");

    await cliSql`update auth.users set recovery_sent_at = now() - interval '2 hours' where email = ${email}`;
    const expired = await client.auth.verifyOtp({ token_hash: tokenHash, type: "recovery" });
    expect(expired.error?.code).toBe("otp_expired");
    expect(expired.data.session).toBeNull();
  });

  it("with PKCE, the link redirects with ?code= that only the requesting client can exchange", async () => {
    const email = address("pkce");
    await userWithPassword(cli, email);
    const client = pkceClient(cli);
    expect(
      (await client.auth.resetPasswordForEmail(email, { redirectTo: `${APP}/auth/callback` })).error,
    ).toBeNull();
    const link = verifyLink(lastMail(cli, email));
    expect(link.searchParams.get("token")).toMatch(/^pkce_[0-9a-f]{56}$/);
    const landed = await follow(link);
    const code = landed.searchParams.get("code") ?? "";
    expect(code).not.toBe("");
    expect(landed.hash).toBe("");

    const stranger = await pkceClient(cli).auth.exchangeCodeForSession(code);
    expect(stranger.error).not.toBeNull();
    const exchanged = await client.auth.exchangeCodeForSession(code);
    expect(exchanged.error).toBeNull();
    expect(exchanged.data.user?.email).toBe(email);
    const reused = await client.auth.exchangeCodeForSession(code);
    expect(reused.error).not.toBeNull();
  });

  it("refuses a bad code verifier with 400 bad_code_verifier and an unknown code with 404", async () => {
    const email = address("verifier");
    await userWithPassword(cli, email);
    await pkceClient(cli).auth.resetPasswordForEmail(email);
    const code = (await follow(verifyLink(lastMail(cli, email)))).searchParams.get("code") ?? "";
    const grant = (authCode: string) =>
      fetch(`${cli.stack.url}/auth/v1/token?grant_type=pkce`, {
        method: "POST",
        headers: { apikey: cli.stack.anonKey, "content-type": "application/json" },
        body: JSON.stringify({ auth_code: authCode, code_verifier: "x".repeat(50) }),
      });
    const bad = await grant(code);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: "bad_code_verifier" });
    const unknown = await grant("00000000-0000-4000-8000-000000000000");
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: "flow_state_not_found" });
  });
});

describe("POST /otp (magic link and code)", () => {
  it("signs in an existing user with the emailed code, once", async () => {
    const email = address("otp");
    await userWithPassword(cli, email);
    const client = supabaseClient(cli.stack);
    expect(
      (await client.auth.signInWithOtp({ email, options: { shouldCreateUser: false } })).error,
    ).toBeNull();
    const message = lastMail(cli, email);
    expect(message.subject).toBe("Your sign-in link");
    expect(verifyLink(message).searchParams.get("type")).toBe("magiclink");
    const token = otpOf(message);
    const verified = await client.auth.verifyOtp({ email, token, type: "email" });
    expect(verified.error).toBeNull();
    expect(verified.data.user?.email).toBe(email);
    const reused = await supabaseClient(cli.stack).auth.verifyOtp({ email, token, type: "email" });
    expect(reused.error?.code).toBe("otp_expired");
    expect(reused.error?.message).toBe("Token has expired or is invalid");
  });

  it("a code sent to one address does not work for another", async () => {
    const [first, second] = [address("code-a"), address("code-b")];
    await userWithPassword(cli, first);
    await userWithPassword(cli, second);
    const client = supabaseClient(cli.stack);
    await client.auth.signInWithOtp({ email: first });
    const token = otpOf(lastMail(cli, first));
    const wrong = await client.auth.verifyOtp({ email: second, token, type: "magiclink" });
    expect(wrong.error?.code).toBe("otp_expired");
  });

  it("refuses a sign-up through OTP when create_user is false (422 otp_disabled)", async () => {
    const email = address("stranger");
    const { error } = await supabaseClient(cli.stack).auth.signInWithOtp({
      email,
      options: { shouldCreateUser: false },
    });
    expect(error?.status).toBe(422);
    expect(error?.code).toBe("otp_disabled");
    expect(cli.stack.mailbox.list(email)).toHaveLength(0);
  });

  it("signs a stranger up when create_user is on, and the magic link signs them in", async () => {
    const email = address("newcomer");
    const client = supabaseClient(cli.stack);
    expect(
      (await client.auth.signInWithOtp({ email, options: { data: { display_name: "New" } } })).error,
    ).toBeNull();
    const tokens = fragment(await follow(verifyLink(lastMail(cli, email))));
    expect(tokens.get("type")).toBe("magiclink");
    const { data } = await supabaseClient(cli.stack).auth.getUser(tokens.get("access_token") ?? "");
    expect(data.user?.email).toBe(email);
    expect(data.user?.user_metadata).toMatchObject({ display_name: "New" });
  });

  it("answers bad input with 4xx: no address, a malformed one, NUL bytes, half a PKCE pair", async () => {
    const post = (body: unknown) =>
      fetch(`${cli.stack.url}/auth/v1/otp`, {
        method: "POST",
        headers: { apikey: cli.stack.anonKey, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await post({})).status).toBe(400);
    expect((await post({ email: "not-an-email" })).status).toBe(400);
    const nul = await post({ email: address("nul"), data: { name: "a\u0000b" } });
    expect(nul.status).toBe(400);
    expect(await nul.json()).toMatchObject({ code: "validation_failed" });
    const surrogate = await fetch(`${cli.stack.url}/auth/v1/otp`, {
      method: "POST",
      headers: { apikey: cli.stack.anonKey, "content-type": "application/json" },
      body: `{"email": "${address("lone")}", "data": {"x": "\\ud800"}}`,
    });
    expect(surrogate.status).toBe(400);
    const halfPkce = await post({ email: address("half"), code_challenge: "a".repeat(43) });
    expect(halfPkce.status).toBe(400);
  });
});

describe("POST /invite and POST /admin/generate_link", () => {
  it("invites a new user by email; the link signs them in and confirms the address", async () => {
    const email = address("invitee");
    const admin = supabaseClient(cli.stack, cli.stack.serviceRoleKey).auth.admin;
    const invited = await admin.inviteUserByEmail(email, {
      redirectTo: `${APP}/en/welcome`,
      data: { invited_to: "Acme" },
    });
    expect(invited.error).toBeNull();
    expect(invited.data.user?.invited_at).toBeTruthy();
    expect(invited.data.user?.email_confirmed_at).toBeUndefined();
    expect(invited.data.user?.user_metadata).toEqual({ invited_to: "Acme" });

    const message = lastMail(cli, email);
    expect(message.subject).toBe("You've been invited");
    const tokens = fragment(await follow(verifyLink(message)));
    expect(tokens.get("type")).toBe("invite");
    const { data } = await supabaseClient(cli.stack).auth.getUser(tokens.get("access_token") ?? "");
    expect(data.user?.email_confirmed_at).toBeTruthy();

    const again = await admin.inviteUserByEmail(email);
    expect(again.error?.status).toBe(422);
    expect(again.error?.code).toBe("email_exists");
  });

  it("refuses invitations to the anon key", async () => {
    const { error } = await supabaseClient(cli.stack).auth.admin.inviteUserByEmail(address("sneaky"));
    expect(error?.status).toBe(403);
  });

  it("generates links and codes without sending email", async () => {
    const email = address("generated");
    await userWithPassword(cli, email);
    const admin = supabaseClient(cli.stack, cli.stack.serviceRoleKey).auth.admin;
    const magic = await admin.generateLink({
      type: "magiclink",
      email,
      options: { redirectTo: `${APP}/en` },
    });
    expect(magic.error).toBeNull();
    expect(magic.data.properties?.verification_type).toBe("magiclink");
    expect(magic.data.properties?.email_otp).toMatch(/^\d{6}$/);
    expect(magic.data.properties?.redirect_to).toBe(`${APP}/en`);
    expect(cli.stack.mailbox.list(email)).toHaveLength(0);
    const tokens = fragment(await follow(magic.data.properties?.action_link ?? ""));
    expect(tokens.get("access_token")).toBeTruthy();

    const recovery = await admin.generateLink({ type: "recovery", email });
    const viaHash = await supabaseClient(cli.stack).auth.verifyOtp({
      token_hash: recovery.data.properties?.hashed_token ?? "",
      type: "recovery",
    });
    expect(viaHash.error).toBeNull();

    const unknown = await admin.generateLink({ type: "recovery", email: address("ghost") });
    expect(unknown.error?.status).toBe(404);
    const badType = await fetch(`${cli.stack.url}/auth/v1/admin/generate_link`, {
      method: "POST",
      headers: {
        apikey: cli.stack.serviceRoleKey,
        authorization: `Bearer ${cli.stack.serviceRoleKey}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ type: "nonsense", email }),
    });
    expect(badType.status).toBe(400);
  });
});

describe("PUT /user with a new email", () => {
  it("with confirmations on, changes the address only after both addresses confirm", async () => {
    const email = address("change-old");
    const next = address("change-new");
    await userWithPassword(confirming, email);
    const client = supabaseClient(confirming.stack);
    await client.auth.signInWithPassword({ email, password: "first-password-1" });
    const updated = await client.auth.updateUser({ email: next });
    expect(updated.error).toBeNull();
    expect(updated.data.user?.email).toBe(email);
    expect(updated.data.user?.new_email).toBe(next);

    const toNew = lastMail(confirming, next);
    const toOld = lastMail(confirming, email);
    expect(toNew.subject).toBe("Confirm your new email address");
    expect(toOld.subject).toBe("Confirm your new email address");

    const first = await follow(verifyLink(toNew));
    expect(fragment(first).get("message")).toMatch(/proceed to confirm link sent to the other email/);
    // The same link twice does not count as the second confirmation.
    expect(fragment(await follow(verifyLink(toNew))).get("error_code")).toBe("otp_expired");
    expect((await client.auth.getUser()).data.user?.email).toBe(email);

    const second = fragment(await follow(verifyLink(toOld)));
    expect(second.get("type")).toBe("email_change");
    const { data } = await supabaseClient(confirming.stack).auth.getUser(second.get("access_token") ?? "");
    expect(data.user?.email).toBe(next);
    expect(data.user?.new_email).toBeUndefined();
    const signIn = await supabaseClient(confirming.stack).auth.signInWithPassword({
      email: next,
      password: "first-password-1",
    });
    expect(signIn.error).toBeNull();
  });

  it("with autoconfirm (the CLI default) one confirmation completes the change, as in GoTrue", async () => {
    const email = address("auto-old");
    const next = address("auto-new");
    await userWithPassword(cli, email);
    const client = supabaseClient(cli.stack);
    await client.auth.signInWithPassword({ email, password: "first-password-1" });
    expect((await client.auth.updateUser({ email: next })).error).toBeNull();
    expect(cli.stack.mailbox.list(email)).toHaveLength(1);
    const token = otpOf(lastMail(cli, next));
    const verified = await supabaseClient(cli.stack).auth.verifyOtp({
      email: next,
      token,
      type: "email_change",
    });
    expect(verified.error).toBeNull();
    expect(verified.data.user?.email).toBe(next);
  });

  it("refuses an address another account uses (422 email_exists)", async () => {
    const [email, taken] = [address("mine"), address("taken")];
    await userWithPassword(cli, email);
    await userWithPassword(cli, taken);
    const client = supabaseClient(cli.stack);
    await client.auth.signInWithPassword({ email, password: "first-password-1" });
    const { error } = await client.auth.updateUser({ email: taken });
    expect(error?.status).toBe(422);
    expect(error?.code).toBe("email_exists");
  });
});

// Each emailed token, sent the way the app sends it: it works once, only for its own type, and not
// after otp_expiry; a second email of the kind within max_frequency is refused.
describe("every emailed token: once, for its type, until it expires", () => {
  type OtpType = "signup" | "invite" | "recovery" | "magiclink" | "email_change";
  interface TokenCase {
    type: OtpType;
    /** A type whose tokens live elsewhere: verifying as it must fail. */
    wrongType: OtpType;
    sentAtColumn: "confirmation_sent_at" | "recovery_sent_at" | "email_change_sent_at";
    env: () => TestStack;
    /** Sends the email (creating the account first where needed); answers where it went. */
    send(email: string): Promise<{ to: string; error: { status?: number; code?: string } | null }>;
    /** Whether a second send within max_frequency is refused (invites and the confirming stack's 0 s have none). */
    limited: boolean;
  }

  const cases: TokenCase[] = [
    {
      type: "recovery",
      wrongType: "signup",
      sentAtColumn: "recovery_sent_at",
      env: () => cli,
      limited: true,
      async send(email) {
        await userWithPassword(cli, email).catch(() => undefined);
        const { error } = await supabaseClient(cli.stack).auth.resetPasswordForEmail(email);
        return { to: email, error };
      },
    },
    {
      type: "magiclink",
      wrongType: "invite",
      sentAtColumn: "recovery_sent_at",
      env: () => cli,
      limited: true,
      async send(email) {
        await userWithPassword(cli, email).catch(() => undefined);
        const { error } = await supabaseClient(cli.stack).auth.signInWithOtp({
          email,
          options: { shouldCreateUser: false },
        });
        return { to: email, error };
      },
    },
    {
      type: "invite",
      wrongType: "recovery",
      sentAtColumn: "confirmation_sent_at",
      env: () => cli,
      limited: false,
      async send(email) {
        const admin = supabaseClient(cli.stack, cli.stack.serviceRoleKey).auth.admin;
        const { error } = await admin.inviteUserByEmail(email);
        return { to: email, error };
      },
    },
    {
      type: "email_change",
      wrongType: "recovery",
      sentAtColumn: "email_change_sent_at",
      env: () => cli,
      limited: true,
      async send(email) {
        await userWithPassword(cli, email).catch(() => undefined);
        const client = supabaseClient(cli.stack);
        await client.auth.signInWithPassword({ email, password: "first-password-1" });
        const to = `new-${email}`;
        const { error } = await client.auth.updateUser({ email: to });
        return { to, error };
      },
    },
    {
      type: "signup",
      wrongType: "magiclink",
      sentAtColumn: "confirmation_sent_at",
      env: () => confirming,
      limited: false,
      async send(email) {
        const { error } = await supabaseClient(confirming.stack).auth.signUp({
          email,
          password: "long-enough-1",
        });
        return { to: email, error };
      },
    },
  ];

  for (const c of cases) {
    it(`${c.type}: the code works once and not as ${c.wrongType}`, async () => {
      const env = c.env();
      const email = address(`once-${c.type}`);
      const sent = await c.send(email);
      expect(sent.error).toBeNull();
      const token = otpOf(lastMail(env, sent.to));
      const verify = (type: OtpType) =>
        supabaseClient(env.stack).auth.verifyOtp({ email: sent.to, token, type });

      const wrong = await verify(c.wrongType);
      expect(wrong.error?.status).toBe(403);
      expect(wrong.error?.code).toBe("otp_expired");
      const right = await verify(c.type);
      expect(right.error).toBeNull();
      expect(right.data.session?.user.email).toBe(sent.to);
      const reused = await verify(c.type);
      expect(reused.error?.status).toBe(403);
      expect(reused.error?.code).toBe("otp_expired");
    });

    it(`${c.type}: the code fails after otp_expiry${c.limited ? "; a second email within max_frequency is refused" : ""}`, async () => {
      const env = c.env();
      const email = address(`late-${c.type}`);
      const sent = await c.send(email);
      expect(sent.error).toBeNull();
      const token = otpOf(lastMail(env, sent.to));
      if (c.limited) {
        const again = await c.send(email);
        expect(again.error?.status).toBe(429);
        expect(again.error?.code).toBe("over_email_send_rate_limit");
        expect(env.stack.mailbox.list(sent.to)).toHaveLength(1);
      }
      const sql = postgres(env.stack.dbUrl, { max: 1, onnotice: () => undefined });
      try {
        await sql`
          update auth.users set ${sql(c.sentAtColumn)} = now() - interval '2 hours'
          where email = ${email}
        `;
      } finally {
        await sql.end();
      }
      const late = await supabaseClient(env.stack).auth.verifyOtp({ email: sent.to, token, type: c.type });
      expect(late.error?.code).toBe("otp_expired");
      expect(late.data.session).toBeNull();
    });
  }

  it("POST /resend within max_frequency answers 429 and sends nothing", async () => {
    const email = address("resend");
    await userWithPassword(cli, email);
    const client = supabaseClient(cli.stack);
    await client.auth.signInWithPassword({ email, password: "first-password-1" });
    const next = address("resend-new");
    expect((await client.auth.updateUser({ email: next })).error).toBeNull();
    // GoTrue finds the user by the current address and sends to the pending one.
    const resent = await client.auth.resend({ type: "email_change", email });
    expect(resent.error?.status).toBe(429);
    expect(resent.error?.code).toBe("over_email_send_rate_limit");
    expect(cli.stack.mailbox.list(next)).toHaveLength(1);
  });
});

describe("confirmations on: sign-up, resend and the hourly email limit", () => {
  it("signs up without a session until the confirmation link is followed", async () => {
    const email = address("confirm");
    const client = supabaseClient(confirming.stack);
    const signedUp = await client.auth.signUp({ email, password: "long-enough-1" });
    expect(signedUp.error).toBeNull();
    expect(signedUp.data.session).toBeNull();
    const refused = await client.auth.signInWithPassword({ email, password: "long-enough-1" });
    expect(refused.error?.code).toBe("email_not_confirmed");

    expect((await client.auth.resend({ type: "signup", email })).error).toBeNull();
    const messages = confirming.stack.mailbox.list(email);
    expect(messages.map((m) => m.subject)).toEqual([
      "Confirm your email address",
      "Confirm your email address",
    ]);
    const [latest, earlier] = messages as [MailMessage, MailMessage];
    // The resent link replaced the first one.
    expect(fragment(await follow(verifyLink(earlier))).get("error_code")).toBe("otp_expired");
    expect(fragment(await follow(verifyLink(latest))).get("type")).toBe("signup");
    expect((await client.auth.signInWithPassword({ email, password: "long-enough-1" })).error).toBeNull();

    // A repeated sign-up of a confirmed address looks like a new one and sends nothing.
    const repeated = await client.auth.signUp({ email, password: "long-enough-1" });
    expect(repeated.error).toBeNull();
    expect(repeated.data.user?.identities).toEqual([]);
    expect(confirming.stack.mailbox.list(email)).toHaveLength(2);
  });

  it("refuses emails past [auth.rate_limit] email_sent with 429", async () => {
    const client = supabaseClient(confirming.stack);
    let limited = null;
    for (let attempt = 0; attempt < 14 && !limited; attempt += 1) {
      const { error } = await client.auth.signUp({ email: address("burst"), password: "long-enough-1" });
      if (error) limited = error;
    }
    expect(limited?.status).toBe(429);
    expect(limited?.code).toBe("over_email_send_rate_limit");
    expect(limited?.message).toBe("email rate limit exceeded");
  });
});

describe("the gateway and the inbox", () => {
  it("opens /verify links without an apikey and nothing else", async () => {
    const open = await fetch(`${cli.stack.url}/auth/v1/verify?token=nope&type=magiclink`, {
      redirect: "manual",
    });
    expect(open.status).toBe(303);
    expect(fragment(new URL(open.headers.get("location") ?? "")).get("error_code")).toBe("otp_expired");
    const closed = await fetch(`${cli.stack.url}/auth/v1/recover`, { method: "POST", body: "{}" });
    expect(closed.status).toBe(401);
  });

  it("shows every email on a web page, newest first, and as JSON", async () => {
    const email = address("inbox");
    await userWithPassword(cli, email);
    await supabaseClient(cli.stack).auth.resetPasswordForEmail(email);
    const page = await fetch(`${cli.stack.inboxUrl}/?to=${encodeURIComponent(email)}`);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(await page.text()).toContain("Reset your password");
    const list = (await (await fetch(`${cli.stack.inboxUrl}/api/v1/messages?to=${email}`)).json()) as {
      messages: { id: string }[];
    };
    expect(list.messages).toHaveLength(1);
    const message = (await (
      await fetch(`${cli.stack.inboxUrl}/api/v1/messages/${list.messages[0]?.id}`)
    ).json()) as {
      links: string[];
    };
    expect(message.links[0]).toContain("/auth/v1/verify?token=");
    const html = await (await fetch(`${cli.stack.inboxUrl}/messages/${list.messages[0]?.id}`)).text();
    expect(html).toContain('href="http://127.0.0.1:');
  });
});

describe("admin API fixes", () => {
  it("keeps exactly the user_metadata given to createUser", async () => {
    const admin = supabaseClient(cli.stack, cli.stack.serviceRoleKey).auth.admin;
    const { data } = await admin.createUser({ email: address("exact"), user_metadata: { plan: "pro" } });
    expect(data.user?.user_metadata).toEqual({ plan: "pro" });
  });

  it("answers a bad page with 400 validation_failed and unknown admin paths with 404", async () => {
    const headers = { apikey: cli.stack.serviceRoleKey, authorization: `Bearer ${cli.stack.serviceRoleKey}` };
    const badPage = await fetch(`${cli.stack.url}/auth/v1/admin/users?page=abc`, { headers });
    expect(badPage.status).toBe(400);
    expect(await badPage.json()).toMatchObject({ code: "validation_failed" });
    const zero = await fetch(`${cli.stack.url}/auth/v1/admin/users?page=0`, { headers });
    expect(zero.status).toBe(400);
    for (const path of ["/admin/nope", "/admin/users/00000000-0000-4000-8000-000000000000/factors/x"]) {
      expect((await fetch(`${cli.stack.url}/auth/v1${path}`, { headers })).status).toBe(404);
    }
  });
});

describe("POST /logout scopes", () => {
  it("others keeps the caller's session, local ends only it, global ends all", async () => {
    const email = address("scopes");
    await userWithPassword(cli, email);
    const sessions = await Promise.all(
      [1, 2, 3].map(async () => {
        const client = supabaseClient(cli.stack);
        const { data } = await client.auth.signInWithPassword({ email, password: "first-password-1" });
        return { client, token: data.session?.access_token ?? "" };
      }),
    );
    const [a, b, c] = sessions as [(typeof sessions)[0], (typeof sessions)[0], (typeof sessions)[0]];
    const alive = async (token: string) => !(await supabaseClient(cli.stack).auth.getUser(token)).error;
    await a.client.auth.signOut({ scope: "others" });
    expect([await alive(a.token), await alive(b.token), await alive(c.token)]).toEqual([true, false, false]);
    await a.client.auth.signOut({ scope: "local" });
    expect(await alive(a.token)).toBe(false);
  });
});

describe("what this project leaves off", () => {
  const post = (path: string, body: unknown, token = cli.stack.anonKey) =>
    fetch(`${cli.stack.url}/auth/v1${path}`, {
      method: "POST",
      headers: {
        apikey: cli.stack.anonKey,
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
      },
      body: JSON.stringify(body),
    });

  it("answers phone codes, SSO, Web3 and ID tokens as GoTrue does when they are off", async () => {
    const badPhone = await post("/verify", { phone: "not-a-phone", token: "123456", type: "sms" });
    expect(badPhone.status).toBe(400);
    expect(await badPhone.json()).toMatchObject({ message: "Invalid phone number format (E.164 required)" });
    const unknownPhone = await post("/verify", { phone: "+15555550100", token: "123456", type: "sms" });
    expect(unknownPhone.status).toBe(403);
    expect(await unknownPhone.json()).toMatchObject({ code: "otp_expired" });
    expect(await (await post("/sso", { domain: "example.com" })).json()).toMatchObject({
      code: "saml_provider_disabled",
    });
    expect(await (await post("/token?grant_type=web3", {})).json()).toMatchObject({
      code: "web3_provider_disabled",
    });
    const idToken = await post("/token?grant_type=id_token", { provider: "google", id_token: "x" });
    expect(idToken.status).toBe(400);
    expect(await idToken.json()).toMatchObject({ code: "provider_disabled" });
  });

  it("emails a reauthentication code to a signed-in user", async () => {
    const email = address("reauth");
    await userWithPassword(cli, email);
    const client = supabaseClient(cli.stack);
    await client.auth.signInWithPassword({ email, password: "first-password-1" });
    expect((await client.auth.reauthenticate()).error).toBeNull();
    expect(lastMail(cli, email).subject).toMatch(/^\d{6} is your verification code$/);
    const again = await client.auth.reauthenticate();
    expect(again.error?.code).toBe("over_email_send_rate_limit");
  });
});
