import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { anonClient, createTestUser, sql, type TestUser } from "../../tests/support/supabase";

describe("profiles under RLS through the public anon key", () => {
  let alice: TestUser;
  let bob: TestUser;
  const db = sql();

  beforeAll(async () => {
    [alice, bob] = await Promise.all([createTestUser({ displayName: "Alice" }), createTestUser()]);
  });
  afterAll(() => db.end());

  it("creates a profile for every new user from the sign-up metadata", async () => {
    const rows =
      await db`select id, email, display_name from public.profiles where id in ${db([alice.id, bob.id])}`;
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.id === alice.id)).toMatchObject({ email: alice.email, display_name: "Alice" });
    expect(rows.find((r) => r.id === bob.id)).toMatchObject({ email: bob.email, display_name: null });
  });

  it("lets a user read their own profile and no one else's", async () => {
    const { data, error } = await alice.client.from("profiles").select("id, email");
    expect(error).toBeNull();
    expect(data).toEqual([{ id: alice.id, email: alice.email }]);

    const other = await alice.client.from("profiles").select("id").eq("id", bob.id);
    expect(other.error).toBeNull();
    expect(other.data).toEqual([]);
  });

  it("shows nothing to a signed-out visitor", async () => {
    const { data, error } = await anonClient().from("profiles").select("id");
    // anon has no grant on profiles at all.
    expect(data ?? []).toEqual([]);
    if (error) expect(error.code).toBe("42501");
  });

  it("lets a user rename themselves", async () => {
    const { data, error } = await alice.client
      .from("profiles")
      .update({ display_name: "Alice A." })
      .eq("id", alice.id)
      .select("display_name");
    expect(error).toBeNull();
    expect(data).toEqual([{ display_name: "Alice A." }]);
  });

  it("refuses to change another user's profile", async () => {
    const { data, error } = await alice.client
      .from("profiles")
      .update({ display_name: "hijacked" })
      .eq("id", bob.id)
      .select("id");
    expect(error).toBeNull();
    expect(data).toEqual([]);
    const [row] = await db`select display_name from public.profiles where id = ${bob.id}`;
    expect(row?.display_name).toBeNull();
  });

  it("refuses to change the email column, even on one's own row", async () => {
    const { error } = await alice.client
      .from("profiles")
      .update({ email: "evil@example.com" })
      .eq("id", alice.id);
    expect(error?.code).toBe("42501");
    const [row] = await db`select email from public.profiles where id = ${alice.id}`;
    expect(row?.email).toBe(alice.email);
  });

  it("refuses inserts and deletes", async () => {
    const insert = await alice.client.from("profiles").insert({ id: bob.id, email: "x@example.com" });
    expect(insert.error?.code).toBe("42501");

    const del = await alice.client.from("profiles").delete().eq("id", alice.id).select("id");
    expect(del.error?.code).toBe("42501");
    const rows = await db`select count(*)::int as count from public.profiles where id = ${alice.id}`;
    expect(rows[0]?.count).toBe(1);
  });
});
