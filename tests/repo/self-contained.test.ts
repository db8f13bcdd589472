// The repository stands on its own: no tracked file may name a path outside it (a sibling folder,
// an absolute path on someone's machine) or a document it does not contain.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const tracked = execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" })
  .split("\n")
  .filter(Boolean)
  .filter((file) => !/(^|\/)pnpm-lock\.yaml$|\.(png|jpg|ico|svg|woff2?)$/.test(file))
  .filter((file) => existsSync(join(root, file)));
const markdownNames = new Set(tracked.filter((file) => file.endsWith(".md")).map((file) => basename(file)));

function text(file: string): string {
  return readFileSync(join(root, file), "utf8");
}

describe("a self-contained repository", () => {
  it("names no relative path that climbs out of the repository", () => {
    const outside: string[] = [];
    for (const file of tracked) {
      for (const match of text(file).matchAll(/(?:^|[\s`'"(])((?:\.\.\/)+[\w@.-][\w@./-]*)/g)) {
        const path = match[1] ?? "";
        // Code resolves relative paths from its own folder; prose and config are often read
        // from the repository root, so they must stay inside from both.
        const bases = /\.(ts|tsx|js|mjs|json)$/.test(file) ? [dirname(file)] : [dirname(file), "."];
        if (bases.some((base) => relative(root, resolve(root, base, path)).startsWith("..")))
          outside.push(`${file}: ${path}`);
      }
    }
    expect(outside).toEqual([]);
  });

  it("names no absolute path on a machine", () => {
    const absolute = tracked.flatMap((file) =>
      [...text(file).matchAll(/(?:^|[\s`'"(])(\/(?:work|root|home|Users|tmp\/scratch)\/[\w./-]+)/g)].map(
        (match) => `${file}: ${match[1]}`,
      ),
    );
    expect(absolute).toEqual([]);
  });

  it("cites only documents the repository contains", () => {
    const missing = tracked
      .filter((file) => /\.(md|mdc|ts|tsx|sql|sh)$/.test(file) || file === ".ci/run")
      .flatMap((file) =>
        [...text(file).matchAll(/\b([A-Z][A-Za-z-]*\.md)\b/g)]
          .map((match) => match[1] ?? "")
          .filter((name) => !markdownNames.has(name))
          .map((name) => `${file}: ${name}`),
      );
    expect(missing).toEqual([]);
  });
});
