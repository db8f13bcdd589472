// The meter when the app server dies or its usage write path fails. A second `next start` of the
// same production build runs against the E2E stack on its own port, so it can be killed without
// taking the rest of the suite with it.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import postgres from "postgres";

import { e2eStack } from "./stack";
import { expect, test } from "./support";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const webRoot = join(repoRoot, "apps", "web");
const DEMO_USER = "11111111-1111-4111-8111-111111111111";

interface AppServer {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  origin: string;
}

async function startApp(port: number): Promise<AppServer> {
  const stack = e2eStack();
  const next = createRequire(join(webRoot, "package.json")).resolve("next/dist/bin/next");
  const child = spawn(process.execPath, [next, "start", "-p", String(port)], {
    cwd: webRoot,
    env: {
      ...process.env,
      NEXT_PUBLIC_SUPABASE_URL: stack.url,
      NEXT_PUBLIC_SUPABASE_ANON_KEY: stack.anonKey,
      SUPABASE_SERVICE_ROLE_KEY: stack.serviceRoleKey,
      CRON_SECRET: stack.cronSecret,
      USAGE_SHUTDOWN_TIMEOUT_MS: "1500",
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --experimental-websocket`.trim(),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const origin = `http://127.0.0.1:${port}`;
  await expect
    .poll(async () => (await fetch(`${origin}/en/sign-in`).catch(() => null))?.status ?? 0, {
      timeout: 30_000,
    })
    .toBe(200);
  return { child, output: () => output, exited, origin };
}

test.describe("metering under faults", () => {
  const db = postgres(e2eStack().dbUrl, { max: 2, onnotice: () => undefined });
  let orgId: string;
  let keyId: string;
  let secret: string;

  test.beforeAll(async () => {
    const [org] = await db<
      { id: string }[]
    >`select public.create_organization('Fault drill', ${DEMO_USER}) as id`;
    orgId = org?.id as string;
    await db`select public.change_org_plan(${orgId}, 'enterprise', ${DEMO_USER})`;
    secret = `mlk_${randomBytes(32).toString("base64url")}`;
    const [key] = await db<{ id: string }[]>`
      insert into public.api_keys (org_id, created_by, name, prefix, key_hash)
      values (${orgId}, ${DEMO_USER}, 'fault drill', ${secret.slice(0, 10)}, ${createHash("sha256").update(secret).digest("hex")})
      returning id`;
    keyId = key?.id as string;
  });
  test.afterAll(() => db.end());

  test("a SIGKILL right after a burst of 300 actions loses no record_created or api_call event", async () => {
    const app = await startApp(3199);
    const statuses: number[] = [];
    try {
      for (let wave = 0; wave < 10; wave++) {
        const responses = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            fetch(`${app.origin}/api/v1/records`, {
              method: "POST",
              headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
              body: JSON.stringify({ title: `burst ${wave}-${i}` }),
            }),
          ),
        );
        statuses.push(...responses.map((r) => r.status));
      }
    } finally {
      // At once: no drain, no after(), nothing queued survives this.
      app.child.kill("SIGKILL");
      await app.exited;
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(300);

    const [records] = await db<
      { n: number }[]
    >`select count(*)::int as n from public.records where org_id = ${orgId}`;
    const [created] = await db<{ n: number }[]>`
      select count(*)::int as n from public.records r
      join public.usage_events e on e.idempotency_key = 'record_created:' || r.id
      where r.org_id = ${orgId}`;
    const [calls] = await db<{ n: number }[]>`
      select count(*)::int as n from public.usage_events
      where org_id = ${orgId} and event_type = 'api_call' and event_data ->> 'key_id' = ${keyId}`;
    expect(records?.n).toBe(300);
    expect(created?.n).toBe(300);
    expect(calls?.n).toBe(300);
  });

  test("stopping the app while its usage write path fails says how many queued events were lost", async () => {
    const app = await startApp(3198);
    try {
      // The queued path (response statuses of admitted calls) fails; admission itself still works.
      await db`revoke execute on function public.record_api_call_statuses(jsonb) from service_role`;
      for (let i = 0; i < 12; i++) {
        const res = await fetch(`${app.origin}/api/v1/records?limit=1`, {
          headers: { authorization: `Bearer ${secret}` },
        });
        expect(res.status).toBe(200);
      }
      await expect.poll(() => app.output(), { timeout: 10_000 }).toContain("api_call status update failed");
      app.child.kill("SIGTERM");
      expect(await app.exited).not.toBeNull();
    } finally {
      await db`grant execute on function public.record_api_call_statuses(jsonb) to service_role`;
      if (app.child.exitCode === null) app.child.kill("SIGKILL");
    }
    expect(app.output()).toMatch(
      /\[usage\] shutting down: 12 api_call status events could not be written and are lost \(last error: .*permission denied/,
    );
  });
});
