// The settings a Vercel project with its Root Directory at the repository root depends on, and the
// cron comparison `pnpm check:vercel` (scripts/check-vercel-build.ts) applies to a real build.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { checkCrons, cronProblems } from "../../scripts/vercel-crons.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const readJson = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(root, path), "utf8")) as Record<string, unknown>;

const vercelJson = readJson("vercel.json");
const rootPackage = readJson("package.json") as {
  packageManager?: string;
  devDependencies?: Record<string, string>;
};
const webPackage = readJson("apps/web/package.json") as { dependencies?: Record<string, string> };

describe("Vercel settings", () => {
  it("declares next at the root, at the version apps/web uses (Vercel detects Next.js there)", () => {
    expect(webPackage.dependencies?.next).toMatch(/^\d+\.\d+\.\d+$/);
    expect(rootPackage.devDependencies?.next).toBe(webPackage.dependencies?.next);
  });

  it("pins pnpm 10 with packageManager", () => {
    expect(rootPackage.packageManager).toMatch(/^pnpm@10\.\d+\.\d+(\+sha512\.[0-9a-f]{128})?$/);
  });

  it("builds apps/web from the root with the frozen lockfile", () => {
    expect(vercelJson).toMatchObject({
      framework: "nextjs",
      installCommand: "pnpm install --frozen-lockfile",
      buildCommand: "pnpm --filter @repo/web build",
      outputDirectory: "apps/web/.next",
    });
  });
});

describe("cron check of a build output", () => {
  const declared = vercelJson.crons as { path: string; schedule: string }[];
  const output = (crons: unknown[]): unknown => ({ version: 3, routes: [], crons });

  it("has crons to check", () => {
    expect(declared.map((cron) => cron.path)).toEqual(
      expect.arrayContaining(["/api/cron/run-schedules", "/api/cron/aggregate-usage"]),
    );
  });

  it("passes when the output registers every cron", () => {
    const check = checkCrons(vercelJson, output([...declared].reverse()));
    expect(cronProblems(check)).toEqual([]);
    expect(check.registered).toHaveLength(declared.length);
  });

  it("fails when a cron is missing, or the output has none", () => {
    const [first, ...rest] = declared;
    expect(cronProblems(checkCrons(vercelJson, output(rest)))).toEqual([
      `${first?.path} (${first?.schedule}) is not registered in .vercel/output/config.json`,
    ]);
    expect(cronProblems(checkCrons(vercelJson, { version: 3 }))).toHaveLength(declared.length);
  });

  it("fails when a cron is registered with another schedule", () => {
    const changed = declared.map((cron, index) => (index === 0 ? { ...cron, schedule: "0 0 1 1 *" } : cron));
    expect(cronProblems(checkCrons(vercelJson, output(changed)))).toEqual([
      `${declared[0]?.path} (${declared[0]?.schedule}) is registered with schedule "0 0 1 1 *" instead`,
    ]);
  });

  it("fails when vercel.json declares no crons", () => {
    expect(cronProblems(checkCrons({}, output(declared)))).toEqual([
      "vercel.json declares no crons: nothing to check",
    ]);
  });
});
