import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startCronRunner } from "./runner.ts";

afterEach(() => {
  vi.useRealTimers();
});

describe("startCronRunner", () => {
  it("tolerates a missing vercel.json", () => {
    const lines: string[] = [];
    const runner = startCronRunner({
      vercelJsonPath: "/nonexistent/vercel.json",
      appUrl: "http://127.0.0.1:9",
      cronSecret: "s",
      log: (line) => lines.push(line),
    });
    runner.stop();
    expect(lines.join("\n")).toContain("no scheduled jobs");
  });

  it("calls the due route with the cron secret and logs the status", async () => {
    const requests: { url: string | undefined; headers: IncomingHttpHeaders }[] = [];
    const server = createServer((req, res) => {
      requests.push({ url: req.url, headers: req.headers });
      res.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const dir = await mkdtemp(join(tmpdir(), "cron-runner-"));
    const vercelJson = join(dir, "vercel.json");
    await writeFile(
      vercelJson,
      JSON.stringify({ crons: [{ path: "/api/cron/tick?x=1", schedule: "*/5 * * * *" }] }),
    );

    vi.useFakeTimers({
      toFake: ["setTimeout", "clearTimeout", "Date"],
      now: new Date("2025-05-01T00:04:00Z"),
    });
    const lines: string[] = [];
    const runner = startCronRunner({
      vercelJsonPath: vercelJson,
      appUrl: `http://127.0.0.1:${port}`,
      cronSecret: "local-cron-secret",
      log: (line) => lines.push(line),
    });
    await vi.advanceTimersByTimeAsync(60_000);
    runner.stop();
    vi.useRealTimers();
    await vi.waitFor(() => expect(lines.some((line) => line.includes("-> 200"))).toBe(true));

    expect(requests).toHaveLength(1);
    expect(requests[0]?.url).toBe("/api/cron/tick?x=1");
    expect(requests[0]?.headers.authorization).toBe("Bearer local-cron-secret");
    server.close();
    await rm(dir, { recursive: true, force: true });
  });
});
