import { readFileSync } from "node:fs";

export interface DemoLogin {
  email: string;
  password: string;
  label: string;
}

// `-- demo-login: <email> / <password> (<label>)`: the seed is the single source of the demo accounts.
const DEMO_LOGIN = /^--\s*demo-login:\s*(\S+)\s+\/\s+(.+?)\s+\(([^)]*)\)\s*$/;

export function parseDemoLogins(seedSql: string): DemoLogin[] {
  return seedSql.split("\n").flatMap((line) => {
    const match = DEMO_LOGIN.exec(line.trim());
    return match?.[1] && match[2] ? [{ email: match[1], password: match[2], label: match[3] ?? "" }] : [];
  });
}

export function readDemoLogins(seedFile: string): DemoLogin[] {
  try {
    return parseDemoLogins(readFileSync(seedFile, "utf8"));
  } catch {
    return [];
  }
}
