import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedInClient, startTestStack, supabaseClient, type TestStack } from "./support/test-stack.ts";

// A profiles-like table guarded only by RLS, as the project's migrations write them; no explicit
// grants, so this also proves the default privileges hosted Supabase sets up.
const MIGRATIONS = {
  "20240101000000_notes.sql": `
    create table public.notes (
      id bigint generated always as identity primary key,
      user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
      body text not null
    );
    create index notes_user_id_idx on public.notes (user_id);
    alter table public.notes enable row level security;
    create policy notes_select on public.notes for select to authenticated
      using ((select auth.uid()) = user_id);
    create policy notes_insert on public.notes for insert to authenticated
      with check ((select auth.uid()) = user_id);
  `,
  "20240102000000_whoami.sql": `
    create function public.whoami() returns jsonb
      language sql stable set search_path = ''
      as $$ select jsonb_build_object('uid', auth.uid(), 'role', auth.role(), 'email', auth.email()) $$;
  `,
};

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack(MIGRATIONS);
}, 60_000);

afterAll(async () => {
  await env?.dispose();
});

describe("REST API through the gateway", () => {
  it("lets each user read and write only their own rows", async () => {
    const alice = await signedInClient(env.stack, "alice@example.com");
    const bob = await signedInClient(env.stack, "bob@example.com");

    const inserted = await alice.client.from("notes").insert({ body: "alice note" }).select().single();
    expect(inserted.error).toBeNull();
    expect(inserted.data).toMatchObject({ body: "alice note", user_id: alice.userId });
    expect((await bob.client.from("notes").insert({ body: "bob note" })).error).toBeNull();

    const aliceRows = await alice.client.from("notes").select("body, user_id");
    expect(aliceRows.data).toEqual([{ body: "alice note", user_id: alice.userId }]);

    const forged = await bob.client.from("notes").insert({ body: "as alice", user_id: alice.userId });
    expect(forged.error?.code).toBe("42501");

    const anonRows = await supabaseClient(env.stack).from("notes").select("*");
    expect(anonRows.data).toEqual([]);

    const all = await supabaseClient(env.stack, env.stack.serviceRoleKey)
      .from("notes")
      .select("*", { count: "exact" });
    expect(all.count).toBe(2);
  });

  it("passes the JWT claims to SQL the way hosted PostgREST does", async () => {
    const carol = await signedInClient(env.stack, "carol@example.com");
    const { data } = await carol.client.rpc("whoami");
    expect(data).toEqual({ uid: carol.userId, role: "authenticated", email: "carol@example.com" });
  });

  it("sees tables created after start (schema reload on DDL)", async () => {
    const postgres = (await import("postgres")).default;
    const sql = postgres(env.stack.dbUrl, { max: 1, onnotice: () => undefined });
    await sql`create table public.late (id int primary key)`;
    await sql`insert into public.late values (1)`;
    await sql.end();
    const service = supabaseClient(env.stack, env.stack.serviceRoleKey);
    let result = await service.from("late").select("id");
    for (let attempt = 0; result.error && attempt < 50; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      result = await service.from("late").select("id");
    }
    expect(result.data).toEqual([{ id: 1 }]);
  });
});

describe("gateway", () => {
  it("rejects a missing or wrong apikey with 401", async () => {
    const missing = await fetch(`${env.stack.url}/rest/v1/notes`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ message: "Invalid API key" });
    const wrong = await fetch(`${env.stack.url}/rest/v1/notes`, { headers: { apikey: "nope" } });
    expect(wrong.status).toBe(401);
  });

  it("accepts the apikey as a query parameter", async () => {
    const res = await fetch(`${env.stack.url}/rest/v1/notes?apikey=${env.stack.anonKey}`);
    expect(res.status).toBe(200);
  });

  it("answers CORS preflights and exposes the headers supabase-js reads", async () => {
    const preflight = await fetch(`${env.stack.url}/rest/v1/notes`, {
      method: "OPTIONS",
      headers: {
        origin: "http://localhost:3000",
        "access-control-request-method": "POST",
        "access-control-request-headers": "apikey, authorization, content-type, prefer",
      },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
    expect(preflight.headers.get("access-control-allow-headers")).toContain("prefer");

    const res = await fetch(`${env.stack.url}/rest/v1/notes?select=*`, {
      headers: {
        apikey: env.stack.serviceRoleKey,
        origin: "http://localhost:3000",
        prefer: "count=exact",
        range: "0-0",
      },
    });
    expect(res.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
    expect(res.headers.get("access-control-expose-headers")).toContain("content-range");
    expect(res.headers.get("content-range")).toMatch(/^0-0\/\d+$/);
  });

  it("answers unknown routes with 404", async () => {
    const res = await fetch(`${env.stack.url}/graphql/v1`, { headers: { apikey: env.stack.anonKey } });
    expect(res.status).toBe(404);
  });
});
