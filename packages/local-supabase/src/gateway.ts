import { timingSafeEqual } from "node:crypto";
import {
  Agent,
  createServer,
  request,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from "node:http";
import { sendJson, type RouteHandler } from "./http-io.ts";

export interface GatewayRoutes {
  postgrestPort: number;
  auth: RouteHandler;
  storage: RouteHandler;
}

export interface Gateway {
  port: number;
  /** Requests get 503 until the services behind the gateway are up. */
  setRoutes(routes: GatewayRoutes): void;
  close(): Promise<void>;
}

// Headers a proxy must not forward (RFC 9110 section 7.6.1); Node recomputes framing itself.
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "host",
]);

const EXPOSED_HEADERS = [
  "content-range",
  "content-profile",
  "content-location",
  "location",
  "preference-applied",
  "range-unit",
  "x-total-count",
  "x-supabase-api-version",
  "link",
  "etag",
  "content-disposition",
].join(", ");

/**
 * The browser app on :3000 calls the gateway cross-origin, with credentials and custom headers
 * (apikey, x-client-info, prefer ...), so echo the origin and whatever headers it asks for.
 */
function corsHeaders(req: IncomingMessage): OutgoingHttpHeaders {
  const origin = req.headers.origin;
  return {
    "access-control-allow-origin": origin ?? "*",
    ...(origin ? { "access-control-allow-credentials": "true", vary: "Origin" } : {}),
    "access-control-expose-headers": EXPOSED_HEADERS,
  };
}

function answerPreflight(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    ...corsHeaders(req),
    "access-control-allow-methods": "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
    "access-control-allow-headers":
      req.headers["access-control-request-headers"] ??
      "authorization, apikey, content-type, x-client-info, prefer, range, accept-profile, content-profile, x-upsert",
    "access-control-max-age": "3600",
    "content-length": 0,
  });
  res.end();
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function withoutApikey(search: string): string {
  if (!search) return search;
  const kept = search
    .slice(1)
    .split("&")
    .filter((pair) => pair.split("=")[0] !== "apikey");
  return kept.length > 0 ? `?${kept.join("&")}` : "";
}

function forwardableHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

function proxyToPostgrest(
  req: IncomingMessage,
  res: ServerResponse,
  port: number,
  pathAndQuery: string,
  agent: Agent,
): void {
  const upstream = request(
    {
      host: "127.0.0.1",
      port,
      method: req.method,
      path: pathAndQuery,
      headers: { ...forwardableHeaders(req.headers), host: `127.0.0.1:${port}` },
      agent,
    },
    (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, {
        ...forwardableHeaders(upstreamRes.headers),
        ...corsHeaders(req),
      });
      upstreamRes.pipe(res);
    },
  );
  // A client that goes away must not leave the upstream request running.
  res.on("close", () => {
    if (!res.writableFinished) upstream.destroy();
  });
  upstream.on("error", (error) => {
    if (res.headersSent) res.destroy(error);
    else sendJson(res, 502, { message: `PostgREST is not reachable: ${error.message}` }, corsHeaders(req));
  });
  req.pipe(upstream);
}

export function listenGateway(options: {
  port: number;
  apiKeys: string[];
  log: (line: string) => void;
}): Promise<Gateway> {
  const { apiKeys, log } = options;
  let routes: GatewayRoutes | null = null;
  // Keep-alive to PostgREST: bulk ingestion through supabase-js must not pay a TCP handshake per request.
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method === "OPTIONS") return answerPreflight(req, res);
    const cors = corsHeaders(req);
    const url = new URL(req.url ?? "/", "http://gateway.local");
    if (!routes) return sendJson(res, 503, { message: "local Supabase is starting" }, cors);

    const match = /^\/(rest|auth|storage)\/v1(\/.*)?$/.exec(url.pathname);
    const service = match?.[1];
    const path = match?.[2] ?? "/";

    const presented = req.headers.apikey ?? url.searchParams.get("apikey") ?? undefined;
    const apikey = Array.isArray(presented) ? presented[0] : presented;
    // As Kong is set up for Supabase, storage takes requests without a key (public and signed URLs
    // open in a browser) and checks the JWT itself, and so does the auth server's /verify, which
    // links in emails open; a key that is sent must still be valid.
    const openAuthLink = service === "auth" && path === "/verify" && req.method === "GET";
    const keyOptional = (service === "storage" || openAuthLink) && apikey === undefined;
    if (!keyOptional && (!apikey || !apiKeys.some((key) => sameSecret(key, apikey)))) {
      return sendJson(res, 401, { message: "Invalid API key" }, cors);
    }
    // The API key doubles as the bearer token when there is none, as Kong does.
    if (apikey && !req.headers.authorization) req.headers.authorization = `Bearer ${apikey}`;
    if (!match) return sendJson(res, 404, { message: "no Route matched with those values" }, cors);
    // PostgREST would read a leftover `apikey` query parameter as a column filter. Removed from the
    // raw string: re-serialising URLSearchParams would re-encode PostgREST's filter syntax.
    const rawUrl = req.url ?? "/";
    const search = withoutApikey(rawUrl.includes("?") ? rawUrl.slice(rawUrl.indexOf("?")) : "");

    if (service === "rest") {
      return proxyToPostgrest(req, res, routes.postgrestPort, path + search, agent);
    }
    for (const [name, value] of Object.entries(cors)) if (value !== undefined) res.setHeader(name, value);
    await (service === "auth" ? routes.auth : routes.storage)(req, res, path, url);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`[gateway] ${req.method} ${req.url}: ${error instanceof Error ? error.stack : String(error)}`);
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, { message: "Internal gateway error" });
    });
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => {
      server.off("error", reject);
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : options.port;
      resolve({
        port,
        setRoutes: (next) => {
          routes = next;
        },
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
            agent.destroy();
          }),
      });
    });
  });
}
