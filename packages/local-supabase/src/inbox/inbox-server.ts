import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { sendEmpty, sendJson } from "../http-io.ts";
import type { Mailbox, MailMessage } from "./mailbox.ts";

export interface InboxServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

/** The links of a message, in order: what a test (or a person) follows. */
export function messageLinks(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((match) =>
    (match[1] ?? "").replaceAll("&amp;", "&").replaceAll("&#39;", "'").replaceAll("&quot;", '"'),
  );
}

function messageJson(message: MailMessage, full: boolean): Record<string, unknown> {
  return {
    id: message.id,
    from: message.from,
    to: message.to,
    subject: message.subject,
    created_at: message.createdAt.toISOString(),
    ...(full ? { html: message.html, links: messageLinks(message.html) } : {}),
  };
}

const STYLE = `
:root { color-scheme: light dark; --bg: #f8fafc; --card: #fff; --text: #0f172a; --muted: #64748b; --line: #e2e8f0; --brand: #4f46e5; }
@media (prefers-color-scheme: dark) { :root { --bg: #0b1120; --card: #111827; --text: #e2e8f0; --muted: #94a3b8; --line: #1f2937; --brand: #a5b4fc; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); color: var(--text); }
header { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: baseline; justify-content: space-between; padding: 1rem 1.25rem; border-bottom: 1px solid var(--line); background: var(--card); }
header h1 { margin: 0; font-size: 1.1rem; }
header p { margin: 0; color: var(--muted); font-size: .85rem; }
main { max-width: 56rem; margin: 0 auto; padding: 1.25rem; }
a { color: var(--brand); }
ul.messages { list-style: none; margin: 0; padding: 0; background: var(--card); border: 1px solid var(--line); border-radius: .5rem; overflow: hidden; }
ul.messages li + li { border-top: 1px solid var(--line); }
ul.messages a { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: .15rem 1rem; padding: .75rem 1rem; text-decoration: none; color: inherit; }
ul.messages a:hover, ul.messages a:focus-visible { background: color-mix(in srgb, var(--brand) 8%, transparent); }
.subject { font-weight: 600; overflow-wrap: anywhere; }
.to, .time { color: var(--muted); font-size: .85rem; overflow-wrap: anywhere; }
.time { text-align: right; white-space: nowrap; }
.empty { padding: 2rem 1rem; text-align: center; color: var(--muted); background: var(--card); border: 1px dashed var(--line); border-radius: .5rem; }
dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .25rem 1rem; margin: 0 0 1rem; font-size: .9rem; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
article { background: #fff; color: #0f172a; border: 1px solid var(--line); border-radius: .5rem; padding: 1rem 1.25rem; overflow-wrap: anywhere; }
article a { color: #4f46e5; }
form { display: inline; }
button { font: inherit; color: var(--brand); background: none; border: 1px solid var(--line); border-radius: .375rem; padding: .2rem .6rem; cursor: pointer; }
`;

function page(title: string, body: string, refreshSeconds?: number): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${refreshSeconds ? `<meta http-equiv="refresh" content="${refreshSeconds}">` : ""}
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>${body}</body>
</html>`;
}

function timeLabel(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

function listPage(mailbox: Mailbox, to: string | undefined): string {
  const messages = mailbox.list(to);
  const rows = messages
    .map(
      (message) => `<li><a href="/messages/${message.id}" data-test="inbox-message">
  <span class="subject">${escapeHtml(message.subject)}</span>
  <span class="time">${timeLabel(message.createdAt)}</span>
  <span class="to">to ${escapeHtml(message.to)}</span>
</a></li>`,
    )
    .join("\n");
  const filter = to ? ` for ${escapeHtml(to)} · <a href="/">all</a>` : "";
  const body = `<header>
  <h1>Local inbox</h1>
  <p>Every email the local auth server sent${filter}, newest first. Nothing leaves this machine.</p>
</header>
<main>${
    messages.length > 0
      ? `<ul class="messages">${rows}</ul>`
      : `<p class="empty">No emails yet. Ask for a password reset, a sign-in link or an invitation, and it shows up here.</p>`
  }</main>`;
  return page("Local inbox", body, 5);
}

function messagePage(message: MailMessage): string {
  const body = `<header>
  <h1>${escapeHtml(message.subject)}</h1>
  <p><a href="/">← All emails</a></p>
</header>
<main>
  <dl>
    <dt>From</dt><dd>${escapeHtml(message.from)}</dd>
    <dt>To</dt><dd>${escapeHtml(message.to)}</dd>
    <dt>Sent</dt><dd>${timeLabel(message.createdAt)}</dd>
  </dl>
  <article data-test="inbox-body">${message.html}</article>
</main>`;
  return page(message.subject, body);
}

// No scripts at all; the message bodies are our own templates, rendered with escaped values.
const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; img-src data: https:; base-uri 'none'; form-action 'self'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

function sendPage(res: ServerResponse, status: number, html: string): void {
  const payload = Buffer.from(html);
  res.writeHead(status, { ...PAGE_HEADERS, "content-length": payload.length });
  res.end(payload);
}

function handle(mailbox: Mailbox, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://inbox.local");
  const method = req.method ?? "GET";
  const to = url.searchParams.get("to") ?? undefined;
  const messageId = /^\/(?:api\/v1\/)?messages\/([^/]+)$/.exec(url.pathname)?.[1];

  if (url.pathname === "/api/v1/messages") {
    if (method === "GET") {
      const messages = mailbox.list(to);
      return sendJson(res, 200, {
        total: messages.length,
        messages: messages.map((m) => messageJson(m, false)),
      });
    }
    if (method === "DELETE") {
      mailbox.clear();
      return sendEmpty(res, 204);
    }
    return sendJson(res, 405, { message: `${method} is not allowed here` }, { allow: "GET, DELETE" });
  }
  if (method !== "GET" && method !== "HEAD") {
    return sendJson(res, 405, { message: `${method} is not allowed here` }, { allow: "GET" });
  }
  if (url.pathname.startsWith("/api/v1/messages/")) {
    const message = messageId ? mailbox.get(messageId) : undefined;
    if (!message) return sendJson(res, 404, { message: "No such message" });
    return sendJson(res, 200, messageJson(message, true));
  }
  if (url.pathname === "/") return sendPage(res, 200, listPage(mailbox, to));
  // Browsers ask for one on every page; an empty answer keeps their consoles quiet.
  if (url.pathname === "/favicon.ico") return sendEmpty(res, 204);
  if (messageId) {
    const message = mailbox.get(messageId);
    if (message) return sendPage(res, 200, messagePage(message));
  }
  sendPage(
    res,
    404,
    page("Not found", `<main><p class="empty">No such email. <a href="/">Back to the inbox</a></p></main>`),
  );
}

/** The inbox web page (and a small JSON API) on `port`; 0 picks a free one. */
export function listenInbox(options: { port: number; mailbox: Mailbox }): Promise<InboxServer> {
  const server: Server = createServer((req, res) => {
    try {
      handle(options.mailbox, req, res);
    } catch (error) {
      sendJson(res, 500, { message: error instanceof Error ? error.message : String(error) });
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => {
      server.off("error", reject);
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : options.port;
      resolve({
        port,
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
