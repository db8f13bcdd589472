import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  createOrg,
  createTestUser,
  personalOrgId,
  serviceClient,
  sql,
  type TestUser,
} from "../support/supabase";

describe("tenancy", () => {
  const db = sql();
  const admin = serviceClient();
  let owner: TestUser, adminUser: TestUser, member: TestUser, outsider: TestUser;
  let orgId: string;

  beforeAll(async () => {
    [owner, adminUser, member, outsider] = await Promise.all([
      createTestUser({ displayName: "Olive Owner" }),
      createTestUser(),
      createTestUser(),
      createTestUser(),
    ]);
    orgId = await createOrg(owner, [
      [adminUser, "admin"],
      [member, "member"],
    ]);
  });
  afterAll(() => db.end());

  it("gives every new user a personal organization they own, on the free plan", async () => {
    const personal = await personalOrgId(outsider);
    const { data, error } = await outsider.client
      .from("organizations")
      .select("id, is_personal, memberships(role), org_subscriptions(plan_id, status)")
      .eq("id", personal)
      .single();
    expect(error).toBeNull();
    expect(data).toMatchObject({
      is_personal: true,
      memberships: [{ role: "owner" }],
      org_subscriptions: { plan_id: "free", status: "active" },
    });
  });

  it("shows members their organization and hides it from everyone else", async () => {
    for (const user of [owner, adminUser, member]) {
      const { data, error } = await user.client.from("organizations").select("id").eq("id", orgId);
      expect(error).toBeNull();
      expect(data).toEqual([{ id: orgId }]);
    }
    const hidden = await Promise.all([
      outsider.client.from("organizations").select("id").eq("id", orgId),
      outsider.client.from("memberships").select("org_id").eq("org_id", orgId),
      outsider.client.from("org_subscriptions").select("org_id").eq("org_id", orgId),
    ]);
    for (const { data, error } of hidden) {
      expect(error).toBeNull();
      expect(data).toEqual([]);
    }
  });

  it("lets teammates see each other's profiles, and no one else", async () => {
    const teammates = await member.client.from("profiles").select("id, display_name").eq("id", owner.id);
    expect(teammates.data).toEqual([{ id: owner.id, display_name: "Olive Owner" }]);
    const strangers = await outsider.client.from("profiles").select("id").eq("id", owner.id);
    expect(strangers.data).toEqual([]);
  });

  it("refuses direct writes to tenancy tables through the API", async () => {
    const join = await outsider.client
      .from("memberships")
      .insert({ org_id: orgId, user_id: outsider.id, role: "owner" });
    expect(join.error?.code).toBe("42501");
    const promote = await member.client
      .from("memberships")
      .update({ role: "owner" })
      .eq("org_id", orgId)
      .eq("user_id", member.id);
    expect(promote.error?.code).toBe("42501");
    const plan = await owner.client
      .from("org_subscriptions")
      .update({ plan_id: "enterprise" })
      .eq("org_id", orgId);
    expect(plan.error?.code).toBe("42501");
    const rpc = await owner.client.rpc("create_organization", { p_name: "Sneaky", p_owner: owner.id });
    expect(rpc.error?.code).toBe("42501");

    const rows =
      await db`select role from public.memberships where org_id = ${orgId} and user_id = ${member.id}`;
    expect(rows[0]?.role).toBe("member");
  });

  describe("set_membership rules", () => {
    const setRole = (actor: TestUser, user: TestUser, role: "owner" | "admin" | "member" | null) =>
      admin.rpc("set_membership", {
        p_org_id: orgId,
        p_user_id: user.id,
        p_role: role as "member",
        p_actor: actor.id,
      });

    it("refuses a member managing members", async () => {
      const { error } = await setRole(member, outsider, "member");
      expect(error?.message).toBe("Only owners and admins can manage members");
    });

    it("refuses an admin granting the owner role", async () => {
      const { error } = await setRole(adminUser, member, "owner");
      expect(error?.message).toBe("Only an owner can grant or remove the owner role");
    });

    it("refuses to leave an organization without an owner", async () => {
      const demote = await setRole(owner, owner, "admin");
      expect(demote.error?.message).toMatch(/at least one owner/);
      const leave = await setRole(owner, owner, null);
      expect(leave.error?.message).toMatch(/at least one owner/);
    });

    it("lets an admin add and remove a member, and a member leave", async () => {
      expect((await setRole(adminUser, outsider, "member")).error).toBeNull();
      const seen = await outsider.client.from("organizations").select("id").eq("id", orgId);
      expect(seen.data).toEqual([{ id: orgId }]);
      expect((await setRole(outsider, outsider, null)).error).toBeNull();
      const gone = await outsider.client.from("organizations").select("id").eq("id", orgId);
      expect(gone.data).toEqual([]);
    });
  });

  describe("plans", () => {
    it("lists the four plans with every limit key; enterprise is unlimited", async () => {
      const { data, error } = await member.client.from("plans").select("id, limits").order("sort_order");
      expect(error).toBeNull();
      expect(data?.map((p) => p.id)).toEqual(["free", "pro", "business", "enterprise"]);
      const enterprise = data?.find((p) => p.id === "enterprise")?.limits as Record<string, unknown>;
      expect(Object.keys(enterprise).sort()).toEqual(
        [
          "max_active_users",
          "max_ai_tokens_per_month",
          "max_api_calls_per_month",
          "max_automation_runs_per_month",
          "max_records_per_month",
          "max_schedule_runs_per_month",
          "max_storage_gb",
        ].sort(),
      );
      expect(Object.values(enterprise).every((v) => v === null)).toBe(true);
    });

    it("lets only an owner change the plan, and records the change", async () => {
      const refused = await admin.rpc("change_org_plan", {
        p_org_id: orgId,
        p_plan_id: "pro",
        p_actor: adminUser.id,
      });
      expect(refused.error?.message).toBe("Only an owner can change the plan");

      const unknown = await admin.rpc("change_org_plan", {
        p_org_id: orgId,
        p_plan_id: "platinum",
        p_actor: owner.id,
      });
      expect(unknown.error?.message).toBe('Unknown plan "platinum"');

      const changed = await admin.rpc("change_org_plan", {
        p_org_id: orgId,
        p_plan_id: "business",
        p_actor: owner.id,
      });
      expect(changed.error).toBeNull();
      const sub = await member.client
        .from("org_subscriptions")
        .select("plan_id")
        .eq("org_id", orgId)
        .single();
      expect(sub.data?.plan_id).toBe("business");
      const log = await owner.client
        .from("subscription_changes")
        .select("from_plan_id, to_plan_id, changed_by")
        .eq("org_id", orgId)
        .order("changed_at", { ascending: false })
        .limit(1)
        .single();
      expect(log.data).toEqual({ from_plan_id: "free", to_plan_id: "business", changed_by: owner.id });
      // members do not see the billing history
      const hidden = await member.client.from("subscription_changes").select("id").eq("org_id", orgId);
      expect(hidden.data).toEqual([]);
    });
  });
});
