import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { generateDatabaseTypes } from "@repo/local-supabase";

import { stack } from "../support/supabase";

const typesFile = fileURLToPath(new URL("../../apps/web/lib/supabase/database.types.ts", import.meta.url));

describe("generated Database types", () => {
  it("match the schema the migrations build (run `pnpm gen:types` when this fails)", async () => {
    const [committed, fresh] = await Promise.all([
      readFile(typesFile, "utf8"),
      generateDatabaseTypes(stack().dbUrl),
    ]);
    expect(committed, "apps/web/lib/supabase/database.types.ts is stale: run `pnpm gen:types`").toBe(fresh);
  });
});
