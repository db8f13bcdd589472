import "server-only";

import { type Socket, connect } from "node:net";
import { once } from "node:events";

import postgres from "postgres";

import type { EventType } from "@repo/usage";

import { crlfRecords } from "./csv-line-endings";
import { FORMULA_STARTS } from "./export-format";
import type { ReadScope } from "./export-queries";

/**
 * Raw CSV exports straight from Postgres: `COPY (select …) TO STDOUT` over a direct connection,
 * its bytes passed on as they arrive. Postgres writes every cell as export-format.ts would, so the
 * app neither parses nor encodes rows; reading JSON pages through the API cost about four times as
 * much (docs/scale.md, "Exports"). Used when SUPABASE_DB_URL is set; otherwise, or when the
 * connection fails, exports read pages through the API.
 */

/** A direct Postgres connection string (hosted: the project's session pooler), or null. */
export function directDatabaseUrl(): string | null {
  const url = process.env.SUPABASE_DB_URL?.trim();
  return url ? url : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const METRIC = /^[a-z_]+$/;

/** COPY takes no bind parameters: every value is checked for its shape, then quoted. */
function quoted(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function uuidLiteral(id: string | null): string {
  if (id === null) return "null";
  if (!UUID.test(id)) throw new Error(`Not a uuid: ${JSON.stringify(id)}`);
  return `${quoted(id)}::uuid`;
}

export interface CsvCopyParams {
  scope: ReadScope;
  start: Date;
  end: Date;
  metrics: readonly EventType[];
}

/**
 * A text cell as export-format.ts writes it: empty for null and "", and an apostrophe in front of
 * text that starts like a formula (its FORMULA_STARTS). COPY quotes the rest as RFC 4180 does (a
 * quote, a comma or a line break).
 */
const FORMULA_STARTS_SQL = FORMULA_STARTS.map((char) => `chr(${char.charCodeAt(0)})`).join(", ");

function csvText(expression: string): string {
  return `case when ${expression} = '' then null when left(${expression}, 1) in (${FORMULA_STARTS_SQL}) then '''' || ${expression} else ${expression} end`;
}

/**
 * The COPY: every cell written by Postgres as the app's CSV writer writes it (ISO 8601 UTC times
 * with six fraction digits, quantities without trailing zeros, neutralised text; event_data is a
 * JSON object, so it never starts like a formula), in the export's order: one organization's or
 * member's events by (created_at, id), every organization's by (org_id, created_at, id) with the
 * events without one last. Names are schema-qualified.
 */
export function csvCopyStatement(params: CsvCopyParams): string {
  const metrics = params.metrics.map((metric) => {
    if (!METRIC.test(metric)) throw new Error(`Not a metric: ${JSON.stringify(metric)}`);
    return metric;
  });
  const { orgId, userId } = params.scope;
  const iso = (column: string) => `to_char(${column} at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  const where = [
    `e.created_at >= ${quoted(params.start.toISOString())}::timestamptz`,
    `e.created_at < ${quoted(params.end.toISOString())}::timestamptz`,
    `e.event_type = any (${quoted(`{${metrics.join(",")}}`)}::text[])`,
    orgId === null ? null : `e.org_id = ${uuidLiteral(orgId)}`,
    userId === null ? null : `e.user_id = ${uuidLiteral(userId)}`,
  ].filter((condition) => condition !== null);
  const order = orgId === null && userId === null ? "e.org_id, e.created_at, e.id" : "e.created_at, e.id";
  return [
    "copy (",
    `select e.id, ${iso("e.created_at")}, ${iso("e.received_at")}, e.org_id, ${csvText("o.name")}, e.user_id,`,
    `  ${csvText("p.display_name")}, ${csvText("p.email")}, e.event_type, trim_scale(e.quantity), m.unit, e.event_data`,
    "from public.usage_events e",
    "join public.usage_metrics m on m.metric = e.event_type",
    "left join public.organizations o on o.id = e.org_id",
    "left join public.profiles p on p.id = e.user_id",
    `where ${where.join(" and ")}`,
    `order by ${order}`,
    ") to stdout with (format csv)",
  ].join("\n");
}

export interface CsvCopy {
  /** The file's records, CRLF-terminated, in chunks of about `CHUNK_BYTES`. */
  chunks: AsyncGenerator<Uint8Array>;
  /** Closes the connection; the server stops the COPY when it next writes. */
  close: () => Promise<void>;
}

const CHUNK_BYTES = 256 * 1024;

/**
 * Starts the COPY on a connection of its own (closed when the file ends or the client goes away)
 * and resolves once Postgres has begun sending rows, so a connection that fails is known before
 * the response is.
 */
export async function openCsvCopy(url: string, params: CsvCopyParams, signal: AbortSignal): Promise<CsvCopy> {
  const statement = csvCopyStatement(params);
  // The socket is ours so it can be destroyed: a COPY whose client stopped reading is blocked
  // writing to it and would never read a polite Terminate; a closed socket ends it at once.
  let socket: Socket | null = null;
  const sql = postgres(url, {
    max: 1,
    // Poolers in transaction mode do not keep prepared statements; COPY is a simple query anyway.
    prepare: false,
    connect_timeout: 10,
    onnotice: () => undefined,
    connection: { application_name: "usage-export" },
    socket: async (options: { host: string[]; port: number[]; path?: string | false }) => {
      const opened = options.path ? connect(options.path) : connect(options.port[0] ?? 5432, options.host[0]);
      socket = opened;
      await once(opened, "connect");
      return opened;
    },
  } as postgres.Options<Record<string, never>>);
  let closed: Promise<void> | null = null;
  const close = () =>
    (closed ??= (async () => {
      socket?.destroy();
      await sql.end({ timeout: 0 }).catch(() => undefined);
    })());
  const onAbort = () => void close();
  signal.addEventListener("abort", onAbort, { once: true });
  let stream: AsyncIterable<Buffer>;
  try {
    stream = (await sql.unsafe(statement).readable()) as AsyncIterable<Buffer>;
  } catch (error) {
    signal.removeEventListener("abort", onAbort);
    await close();
    throw error;
  }

  async function* chunks(): AsyncGenerator<Uint8Array> {
    const toCrlf = crlfRecords();
    let parts: Uint8Array[] = [];
    let size = 0;
    try {
      // The stream reads from the socket only as it is consumed: a client that stops reading
      // stops Postgres (its send buffer fills and COPY waits).
      for await (const data of stream) {
        parts.push(toCrlf(data));
        size += data.byteLength;
        if (size >= CHUNK_BYTES) {
          yield Buffer.concat(parts);
          parts = [];
          size = 0;
        }
      }
      if (size > 0) yield Buffer.concat(parts);
    } finally {
      signal.removeEventListener("abort", onAbort);
      await close();
    }
  }

  return { chunks: chunks(), close };
}
