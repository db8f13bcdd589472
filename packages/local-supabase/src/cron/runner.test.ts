import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startCronRunner } from "./runner.ts";

interface Received {
  url: string | undefined;
  authorization: string | undefined;
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An HTTP server on `port` (0: any free one) that answers 200 and records each request. */
async function app(port = 0): Promise<{ server: Server; port: number; requests: Received[] }> {
  const requests: Received[] = [];
  const server = createServer((req, res) => {
    requests.push({ url: req.url, authorization: req.headers.authorization });
    res.end("ok");
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  const address = server.address();
  return { server, port: typeof address === "object" && address ? address.port : 0, requests };
}

/** A port nothing listens on (yet): connections to it are refused, as to a `next dev` still starting. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === "object" && address ? address.port : 0;
}

async function vercelJson(crons: { path: string; schedule: string }[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "cron-runner-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, "vercel.json");
  await writeFile(path, JSON.stringify({ crons }));
  return path;
}

// cron-parser also reads a seconds field; Vercel does not, but it keeps these tests short.
const EVERY_SECOND = "* * * * * *";

describe("startCronRunner", () => {
  it("tolerates a missing vercel.json", async () => {
    const lines: string[] = [];
    const runner = startCronRunner({
      vercelJsonPath: "/nonexistent/vercel.json",
      appUrl: "http://127.0.0.1:9",
      cronSecret: "s",
      log: (line) => lines.push(line),
    });
    await runner.started;
    runner.stop();
    expect(lines.join("\n")).toContain("no scheduled jobs");
  });

  it("calls the due route with the cron secret and logs the status", async () => {
    const { port, requests } = await app();
    const path = await vercelJson([{ path: "/api/cron/tick?x=1", schedule: "*/5 * * * *" }]);

    vi.useFakeTimers({
      toFake: ["setTimeout", "clearTimeout", "Date"],
      now: new Date("2025-05-01T00:04:00Z"),
    });
    const lines: string[] = [];
    const runner = startCronRunner({
      vercelJsonPath: path,
      appUrl: `http://127.0.0.1:${port}`,
      cronSecret: "local-cron-secret",
      log: (line) => lines.push(line),
    });
    await runner.started;
    await vi.advanceTimersByTimeAsync(60_000);
    runner.stop();
    vi.useRealTimers();
    await vi.waitFor(() => expect(lines.some((line) => line.includes("-> 200"))).toBe(true));

    const cronRequests = requests.filter((request) => request.url !== "/");
    expect(cronRequests).toHaveLength(1);
    expect(cronRequests[0]?.url).toBe("/api/cron/tick?x=1");
    expect(cronRequests[0]?.authorization).toBe("Bearer local-cron-secret");
  });

  it("sends no run before the app answers, then runs on schedule", async () => {
    const port = await closedPort();
    const path = await vercelJson([{ path: "/api/cron/tick", schedule: EVERY_SECOND }]);
    const lines: string[] = [];
    const runner = startCronRunner({
      vercelJsonPath: path,
      appUrl: `http://127.0.0.1:${port}`,
      cronSecret: "local-cron-secret",
      log: (line) => lines.push(line),
      readiness: { initialDelayMs: 20, maxDelayMs: 100 },
    });
    cleanups.push(async () => runner.stop());

    // Two scheduled times pass while nothing listens: no run is sent, so none fails.
    await sleep(2500);
    expect(lines.filter((line) => line.includes("GET"))).toEqual([]);

    const { requests } = await app(port);
    await runner.started;
    await vi.waitFor(
      () => expect(lines.some((line) => line.includes("GET /api/cron/tick -> 200"))).toBe(true),
      {
        timeout: 5000,
      },
    );
    runner.stop();

    // The first request is the readiness probe (a GET of /, without the secret); the runs follow.
    expect(requests[0]).toEqual({ url: "/", authorization: undefined });
    expect(requests.slice(1).every((request) => request.url === "/api/cron/tick")).toBe(true);
    expect(requests[1]?.authorization).toBe("Bearer local-cron-secret");
    expect(lines.filter((line) => line.includes("failed"))).toEqual([]);
  });

  it("sends nothing when stopped while waiting for the app", async () => {
    const port = await closedPort();
    const path = await vercelJson([{ path: "/api/cron/tick", schedule: EVERY_SECOND }]);
    const lines: string[] = [];
    const runner = startCronRunner({
      vercelJsonPath: path,
      appUrl: `http://127.0.0.1:${port}`,
      cronSecret: "s",
      log: (line) => lines.push(line),
      readiness: { initialDelayMs: 20, maxDelayMs: 100 },
    });
    await sleep(300);
    runner.stop();
    await runner.started;

    const { requests } = await app(port);
    await sleep(1500);
    expect(requests).toEqual([]);
    expect(lines).toEqual([]);
  });

  it("starts the schedule anyway when the app does not answer by the deadline", async () => {
    const port = await closedPort();
    const path = await vercelJson([{ path: "/api/cron/tick", schedule: EVERY_SECOND }]);
    const lines: string[] = [];
    const runner = startCronRunner({
      vercelJsonPath: path,
      appUrl: `http://127.0.0.1:${port}`,
      cronSecret: "s",
      log: (line) => lines.push(line),
      readiness: { timeoutMs: 1000, initialDelayMs: 50, maxDelayMs: 200 },
    });
    cleanups.push(async () => runner.stop());
    await runner.started;
    expect(lines[0]).toBe(
      `[cron] http://127.0.0.1:${port}/ did not answer within 1 s; running the schedule anyway`,
    );
    await vi.waitFor(
      () => expect(lines.some((line) => line.includes("GET /api/cron/tick failed"))).toBe(true),
      {
        timeout: 5000,
      },
    );
  });
});
