import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Where the E2E stack (`local-supabase serve`) writes how to reach it. */
export const E2E_STACK_FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  ".data",
  "e2e-stack.json",
);

export interface E2eStack {
  url: string;
  dbUrl: string;
  anonKey: string;
  serviceRoleKey: string;
  /** The local inbox (every email the auth server sent), on a web page and at /api/v1/messages. */
  inboxUrl: string;
  cronSecret: string;
}

/** The stack behind the app under test, for SQL checks and for starting a second app server. */
export function e2eStack(): E2eStack {
  return JSON.parse(readFileSync(E2E_STACK_FILE, "utf8")) as E2eStack;
}
