import type { Stack } from "../stack.ts";
import type { DemoLogin } from "./demo-logins.ts";

const bold = (text: string): string => (process.stdout.isTTY ? `\u001b[1m${text}\u001b[22m` : text);
const dim = (text: string): string => (process.stdout.isTTY ? `\u001b[2m${text}\u001b[22m` : text);

function rows(entries: [string, string][]): string[] {
  const width = Math.max(...entries.map(([label]) => label.length));
  return entries.map(([label, value]) => `  ${dim(label.padEnd(width))}  ${value}`);
}

export function localBanner(stack: Stack, appUrl: string, logins: DemoLogin[], startedInMs: number): string {
  const lines = [
    "",
    bold(`  Local Supabase is running ${dim(`(ready in ${(startedInMs / 1000).toFixed(1)} s)`)}`),
    "",
    ...rows([
      ["API URL", stack.url],
      ["DB URL", stack.dbUrl],
      ["SQL", `psql ${stack.dbUrl}`],
      ["anon key", stack.anonKey],
      ["service_role key", stack.serviceRoleKey],
      ["Inbox", `${stack.inboxUrl}  ${dim("(every auth email: resets, sign-in links, invitations)")}`],
      ["App", appUrl],
    ]),
  ];
  if (logins.length > 0) {
    const width = Math.max(...logins.map((login) => `${login.email} / ${login.password}`.length));
    lines.push("", bold("  Demo sign-ins"));
    for (const login of logins) {
      lines.push(`    ${`${login.email} / ${login.password}`.padEnd(width)}  ${dim(login.label)}`);
    }
  }
  lines.push("", dim("  Ctrl-C stops the app, the API and the database."), "");
  return lines.join("\n");
}

export function hostedBanner(supabaseUrl: string, appUrl: string): string {
  return [
    "",
    bold("  Using hosted Supabase"),
    ...rows([
      ["API URL", supabaseUrl],
      ["App", appUrl],
    ]),
    "",
  ].join("\n");
}
