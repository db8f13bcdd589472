import { beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";

import { idleFormState } from "@/lib/forms";

// The wrappers' own branches are under test, not the session: requireAuth/requireOrgRole answer
// as if a member were signed in (they need a Next request context otherwise).
const auth = vi.hoisted(() => ({
  requireAuth: vi.fn(async () => ({ user: { id: "user-1" } })),
  requireOrgRole: vi.fn(async (orgId: string) => ({ user: { id: "user-1" }, orgId, role: "member" })),
}));
vi.mock("@/lib/auth/server", () => auth);

const { authedAction, orgAction, unsafeFormInput } = await import("./form-action");

const ORG_ID = "00000000-0000-4000-8000-000000000001";

function form(entries: [string, string | File][]) {
  const data = new FormData();
  for (const [key, value] of entries) data.append(key, value);
  return data;
}

describe("form-action wrappers and text Postgres cannot store", () => {
  const handler = vi.fn(async () => ({ status: "success" as const, message: "Saved." }));
  const authed = authedAction(z.object({ title: z.string(), note: z.string().optional() }), handler);
  const inOrg = orgAction(z.object({ orgId: z.string(), title: z.string() }), ["member"], handler);

  beforeEach(() => {
    handler.mockClear();
    auth.requireAuth.mockClear();
    auth.requireOrgRole.mockClear();
  });

  it("runs the handler for storable text", async () => {
    expect(await authed(idleFormState, form([["title", "Ünïcødé 😀"]]))).toEqual({
      status: "success",
      message: "Saved.",
    });
    expect(
      await inOrg(
        idleFormState,
        form([
          ["orgId", ORG_ID],
          ["title", "ok"],
        ]),
      ),
    ).toMatchObject({
      status: "success",
    });
    expect(handler).toHaveBeenCalledTimes(2);
  });

  it("answers a NUL in a field with a form error on that field, before parsing or auth", async () => {
    const problem = "contains a NUL character";
    for (const action of [authed, inOrg]) {
      const state = await action(
        idleFormState,
        form([
          ["orgId", ORG_ID],
          ["title", "ok"],
          ["note", "a\u0000b"],
        ]),
      );
      expect(state).toEqual({
        status: "error",
        message: `This field ${problem}, which cannot be stored.`,
        fieldErrors: { note: `This field ${problem}, which cannot be stored.` },
      });
    }
    expect(handler).not.toHaveBeenCalled();
    expect(auth.requireAuth).not.toHaveBeenCalled();
    expect(auth.requireOrgRole).not.toHaveBeenCalled();
  });

  it("checks every value of a repeated field, file names and field names", async () => {
    const repeated = await authed(
      idleFormState,
      form([
        ["title", "ok"],
        ["tags", "a"],
        ["tags", "b\u0000"],
      ]),
    );
    expect(repeated).toMatchObject({
      status: "error",
      fieldErrors: { tags: expect.stringContaining("NUL") },
    });

    const file = new File(["x"], "report\u0000.pdf", { type: "application/pdf" });
    const upload = await authed(
      idleFormState,
      form([
        ["title", "ok"],
        ["file", file],
      ]),
    );
    expect(upload).toMatchObject({ status: "error", fieldErrors: { file: expect.stringContaining("NUL") } });

    const named = await authed(
      idleFormState,
      form([
        ["title", "ok"],
        ["x\u0000", "v"],
      ]),
    );
    expect(named).toEqual({
      status: "error",
      message: "This field name contains a NUL character, which cannot be stored.",
      fieldErrors: { "x\\u0000": "This field name contains a NUL character, which cannot be stored." },
    });
    expect(handler).not.toHaveBeenCalled();
  });

  it("never sees an unpaired surrogate: FormData holds USVStrings and replaces it", () => {
    expect(form([["note", "a\ud800b"]]).get("note")).toBe("a\ufffdb");
  });

  it("unsafeFormInput is null for a clean form, ignoring Next's $ACTION fields", () => {
    expect(
      unsafeFormInput(
        form([
          ["title", "ok"],
          ["$ACTION_ID_abc", ""],
        ]),
      ),
    ).toBeNull();
    expect(unsafeFormInput(form([["file", new File(["x"], "ok.txt")]]))).toBeNull();
  });
});
