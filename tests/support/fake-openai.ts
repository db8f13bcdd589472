import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeOpenAi {
  baseUrl: string;
  requests: {
    authorization: string | undefined;
    body: { model: string; messages: { role: string; content: string }[] };
  }[];
  /** The next responses to send instead of a normal completion. */
  failNext(status: number, body: string): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** An OpenAI-compatible chat-completions server on loopback that reports token usage. */
export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const requests: FakeOpenAi["requests"] = [];
  const failures: { status: number; body: string }[] = [];

  const server: Server = createServer(async (req, res) => {
    const text = await readBody(req);
    if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
      res.writeHead(404).end();
      return;
    }
    const body = JSON.parse(text) as FakeOpenAi["requests"][number]["body"];
    requests.push({ authorization: req.headers.authorization, body });
    const failure = failures.shift();
    if (failure) {
      res.writeHead(failure.status, { "content-type": "application/json" }).end(failure.body);
      return;
    }
    const prompt = body.messages.map((m) => m.content).join(" ");
    const promptTokens = prompt.split(/\s+/).filter(Boolean).length;
    const content = `Summary of ${promptTokens} words.`;
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        id: "chatcmpl-test",
        object: "chat.completion",
        model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
        usage: { prompt_tokens: promptTokens, completion_tokens: 5, total_tokens: promptTokens + 5 },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    failNext: (status, body) => failures.push({ status, body }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
