import { METRICS, type EventType } from "@repo/usage";

import type { ExportFormat, ExportGranularity } from "./export-schemas";

/**
 * What an export file looks like: its columns, how a page of rows is written as CSV (RFC 4180,
 * UTF-8, CRLF, a header row, formula-like text neutralised) or JSON Lines, and its file name.
 * Pure functions, so they are tested without a database.
 */

/** Roll-up columns per metric, named with their unit. Storage has two: the level and the change. */
export const ROLLUP_COLUMNS: Record<EventType, readonly string[]> = {
  record_created: ["records_created"],
  api_call: ["api_calls"],
  automation_run: ["automation_runs"],
  storage_used: ["storage_bytes", "storage_change_bytes"],
  schedule_executed: ["schedule_executions"],
  ai_tokens_used: ["ai_tokens"],
  user_active: ["active_users"],
};

export const RAW_COLUMNS = [
  "event_id",
  "created_at",
  "received_at",
  "org_id",
  "org_name",
  "user_id",
  "member_name",
  "member_email",
  "event_type",
  "quantity",
  "unit",
  "event_data",
] as const;

export const ROLLUP_KEY_COLUMNS = [
  "period_start",
  "period_end",
  "org_id",
  "org_name",
  "user_id",
  "member_name",
  "member_email",
] as const;

export function exportColumns(granularity: ExportGranularity, metrics: readonly EventType[]): string[] {
  if (granularity === "raw") return [...RAW_COLUMNS];
  return [...ROLLUP_KEY_COLUMNS, ...metrics.flatMap((metric) => ROLLUP_COLUMNS[metric])];
}

/** A cell: text (neutralised in CSV when it looks like a formula), a number (written as is), or empty. */
export type Cell = string | number | null;

/**
 * The first characters that make a spreadsheet take a text cell for a formula: = + - @ TAB CR, and
 * their full-width forms. Raw CSV read with COPY neutralises the same list in SQL (export-copy.ts).
 */
export const FORMULA_STARTS: readonly string[] = [
  "=",
  "+",
  "-",
  "@",
  "\t",
  "\r",
  "\uFF1D",
  "\uFF0B",
  "\uFF0D",
  "\uFF20",
];
const FORMULA_START = new RegExp(
  `^[${FORMULA_STARTS.map((char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")}]`,
);
/** Cells that must be quoted (RFC 4180): a quote, the separator, or a line break of any kind. */
const NEEDS_QUOTES = /[",\r\n]/;

function csvCell(cell: Cell): string {
  if (cell === null) return "";
  // Numbers are written as they are: a negative storage change stays a number.
  if (typeof cell === "number") return String(cell);
  if (cell === "") return "";
  const text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A page of rows as CSV (RFC 4180, CRLF records): text cells that begin like a formula get an
 * apostrophe in front, so spreadsheets show them as text (the OWASP advice, as csv-stringify's
 * escape_formulas does it); cells with a quote, a comma or any line break are quoted. Written by
 * hand: this is the export's inner loop, and string concatenation is several times faster than a
 * general CSV library here.
 */
export function csvChunk(rows: Cell[][]): string {
  if (rows.length === 0) return "";
  // Joined, not concatenated cell by cell: one flat string per page, not a rope of every cell.
  const lines = new Array<string>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] ?? [];
    const cells = new Array<string>(row.length);
    for (let i = 0; i < row.length; i++) cells[i] = csvCell(row[i] ?? null);
    lines[r] = cells.join(",");
  }
  return `${lines.join("\r\n")}\r\n`;
}

/** The header row: fixed ASCII names, no neutralising needed. */
export function csvHeader(columns: readonly string[]): string {
  return `${columns.join(",")}\r\n`;
}

/**
 * A page of rows as JSON Lines: one object per line with the columns as keys. The columns named
 * in `rawJson` hold JSON text (event_data), which is embedded as JSON, not as a string.
 */
export function jsonlChunk(columns: readonly string[], rows: Cell[][], rawJson: ReadonlySet<string>): string {
  let out = "";
  for (const row of rows) {
    const parts = columns.map((column, index) => {
      const value = row[index] ?? null;
      const json = rawJson.has(column) && typeof value === "string" ? value : JSON.stringify(value);
      return `${JSON.stringify(column)}:${json}`;
    });
    out += `{${parts.join(",")}}\n`;
  }
  return out;
}

export function encodeChunk(
  format: ExportFormat,
  columns: readonly string[],
  rows: Cell[][],
  rawJson: ReadonlySet<string>,
): string {
  return format === "csv" ? csvChunk(rows) : jsonlChunk(columns, rows, rawJson);
}

export const RAW_JSON_COLUMNS: ReadonlySet<string> = new Set(["event_data"]);

export function unitOf(metric: EventType): string {
  return METRICS[metric].unit;
}

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8; header=present",
  jsonl: "application/jsonl; charset=utf-8",
};

/** Lowercase ASCII words joined by dashes, for file names ("Müller & Co" → "muller-co"). */
export function slug(text: string, fallback: string): string {
  const ascii = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/g, "");
  return ascii || fallback;
}

const DAY_MS = 86_400_000;

/** A range for a file name: whole UTC days as dates (the last one inclusive), else compact instants. */
export function rangeLabel(start: Date, end: Date): string {
  if (start.getTime() % DAY_MS === 0 && end.getTime() % DAY_MS === 0) {
    const last = new Date(end.getTime() - DAY_MS);
    return `${start.toISOString().slice(0, 10)}_${last.toISOString().slice(0, 10)}`;
  }
  const compact = (date: Date) => date.toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "");
  return `${compact(start)}_${compact(end)}`;
}

export interface FileNameParts {
  /** The organization's name, or null for every organization. */
  org: { id: string; name: string } | null;
  /** "org", "platform", or the member's name for one member's usage. */
  scope: { kind: "org" | "platform" } | { kind: "member"; name: string; id: string };
  start: Date;
  end: Date;
  granularity: ExportGranularity;
  format: ExportFormat;
}

/** e.g. usage_acme-corp_org_2026-11-01_2026-11-30_daily.csv */
export function exportFileName(parts: FileNameParts): string {
  const org = parts.org ? slug(parts.org.name, parts.org.id.slice(0, 8)) : "all-organizations";
  const scope =
    parts.scope.kind === "member"
      ? `member-${slug(parts.scope.name, parts.scope.id.slice(0, 8))}`
      : parts.scope.kind;
  return `usage_${org}_${scope}_${rangeLabel(parts.start, parts.end)}_${parts.granularity}.${parts.format}`;
}

/** Content-Disposition for a download: an ASCII name, and the same as UTF-8 for clients that read it. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
