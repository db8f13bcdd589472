// Rule files are only useful while they are true: every path they name must exist.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const rulesDir = join(root, ".cursor/rules");
const ruleFiles = readdirSync(rulesDir).filter((name) => name.endsWith(".mdc"));

// Backticked tokens that look like repository paths: contain a slash or a known file extension.
const pathLike =
  /`([A-Za-z0-9_.\-[\]()]+(?:\/[A-Za-z0-9_.\-[\]()]*)+|[A-Za-z0-9_.-]+\.(?:ts|tsx|json|sql|js|toml|md))`/g;

describe(".cursor rules", () => {
  it("has the six rule files the project promises", () => {
    expect(ruleFiles.sort()).toEqual(
      ["foundation", "quality", "supabase", "testing", "verification", "web-nextjs"].map((n) => `${n}.mdc`),
    );
  });

  it.each(ruleFiles)("%s names only paths that exist", (file) => {
    const text = readFileSync(join(rulesDir, file), "utf8");
    const missing = [...text.matchAll(pathLike)]
      .map((match) => match[1] ?? "")
      .filter((p) => !p.includes("*"))
      .filter((p) => !existsSync(join(root, p)) && !existsSync(join(root, "apps/web", p)));
    expect(missing).toEqual([]);
  });
});
