import { EVENT_TYPES, METRICS, addUtcDays } from "@repo/usage";
import { z } from "zod";

import { AppError } from "@/lib/errors";
import { safeText } from "@/lib/validation/text";

import { EXPORT_FORMATS, EXPORT_GRANULARITIES, EXPORT_SCOPES, MAX_RANGE_DAYS } from "./export-links";

/**
 * The parameters of the usage export (GET /api/usage/export) and the usage query API
 * (GET /api/v1/usage), parsed once here. Every bad value is a 400 that names its parameter:
 * unknown and repeated parameters too, and text Postgres cannot store (NUL, unpaired surrogates).
 */

export {
  EXPORT_FORMATS,
  EXPORT_GRANULARITIES,
  EXPORT_SCOPES,
  MAX_RANGE_DAYS,
  type ExportFormat,
  type ExportGranularity,
} from "./export-links";
export const QUERY_WINDOWS = ["day", "month"] as const;
export const QUERY_GROUPS = ["member", "dimension"] as const;

export interface ParamIssue {
  path: string;
  message: string;
}

const oneOf = (values: readonly string[]) => `must be one of ${values.join(", ")}`;

const uuid = safeText().pipe(z.uuid({ message: "must be a UUID" }));

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A range edge: a UTC date (`2026-12-01`; as `to` it includes that whole day) or an ISO 8601 time
 * with an offset (`2026-12-01T12:00:00Z`; as `to` it is the exclusive end).
 */
function rangeEdge(edge: "from" | "to") {
  return safeText({ error: "is required" }).transform((value, ctx) => {
    if (DATE.test(value) && z.iso.date().safeParse(value).success) {
      const day = new Date(`${value}T00:00:00Z`);
      return edge === "to" ? addUtcDays(day, 1) : day;
    }
    if (z.iso.datetime({ offset: true }).safeParse(value).success) return new Date(value);
    ctx.addIssue({
      code: "custom",
      message: "must be a date like 2026-12-01 or an ISO 8601 time with an offset like 2026-12-01T00:00:00Z",
    });
    return z.NEVER;
  });
}

/** `metrics=api_call,storage_used`: catalog metrics, in the catalog's order, each once. */
const metricList = safeText().transform((value, ctx) => {
  const names = value
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(EVENT_TYPES as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) {
    ctx.addIssue({
      code: "custom",
      message: `${unknown.length > 0 ? `unknown metric ${JSON.stringify(unknown[0])}; ` : ""}name metrics from ${EVENT_TYPES.join(", ")}, separated by commas`,
    });
    return z.NEVER;
  }
  return EVENT_TYPES.filter((metric) => names.includes(metric));
});

function checkRange(range: { from: Date; to: Date }, ctx: z.RefinementCtx) {
  // Runs after the fields' own checks; an edge that failed them is already reported.
  if (!(range.from instanceof Date) || !(range.to instanceof Date)) return;
  if (range.to.getTime() <= range.from.getTime()) {
    ctx.addIssue({ code: "custom", path: ["to"], message: "must be after from" });
  } else if (range.to.getTime() - range.from.getTime() > MAX_RANGE_DAYS * 86_400_000) {
    ctx.addIssue({
      code: "custom",
      path: ["to"],
      message: `the range spans at most ${MAX_RANGE_DAYS} days; export a longer history in parts`,
    });
  }
}

export const usageExportParamsSchema = z
  .strictObject({
    org: uuid.optional(),
    member: uuid.optional(),
    scope: z.enum(EXPORT_SCOPES, { error: () => oneOf(EXPORT_SCOPES) }).optional(),
    from: rangeEdge("from"),
    to: rangeEdge("to"),
    granularity: z.enum(EXPORT_GRANULARITIES, { error: () => oneOf(EXPORT_GRANULARITIES) }).default("raw"),
    metrics: metricList.optional(),
    format: z.enum(EXPORT_FORMATS, { error: () => oneOf(EXPORT_FORMATS) }).default("csv"),
  })
  .superRefine((params, ctx) => {
    checkRange(params, ctx);
    if (params.member && !params.org && params.scope === "platform") {
      ctx.addIssue({ code: "custom", path: ["member"], message: "needs org: the member's organization" });
    }
  })
  .transform(({ metrics, ...params }) => ({ ...params, metrics: metrics ?? [...EVENT_TYPES] }));

export type UsageExportParams = z.output<typeof usageExportParamsSchema>;

export const usageQueryParamsSchema = z
  .strictObject({
    metric: z.enum(EVENT_TYPES, {
      error: (issue) => (issue.input === undefined ? "is required" : oneOf(EVENT_TYPES)),
    }),
    from: rangeEdge("from"),
    to: rangeEdge("to"),
    window: z.enum(QUERY_WINDOWS, { error: () => oneOf(QUERY_WINDOWS) }).default("day"),
    group_by: z.enum(QUERY_GROUPS, { error: () => oneOf(QUERY_GROUPS) }).optional(),
  })
  .superRefine((params, ctx) => {
    checkRange(params, ctx);
    if (params.group_by === "dimension" && METRICS[params.metric].dimensions.length === 0) {
      const withDimensions = EVENT_TYPES.filter((m) => METRICS[m].dimensions.length > 0).map(
        (m) => `${m} (${METRICS[m].dimensions.join(", ")})`,
      );
      ctx.addIssue({
        code: "custom",
        path: ["group_by"],
        message: `${params.metric} has no dimensions; these metrics do: ${withDimensions.join(", ")}`,
      });
    }
  });

export type UsageQueryParams = z.output<typeof usageQueryParamsSchema>;

/**
 * The query string as an object for the schemas: a parameter given twice is an issue of its own
 * (which value would win is not obvious, so none does).
 */
export function searchParamsObject(params: URLSearchParams): {
  values: Record<string, string>;
  issues: ParamIssue[];
} {
  const values: Record<string, string> = {};
  const issues: ParamIssue[] = [];
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    if (all.length > 1) issues.push({ path: key, message: "is given more than once" });
    values[key] = all[0] ?? "";
  }
  return { values, issues };
}

/** Zod issues as parameter issues: unknown parameters are named as such, at their own path. */
export function paramIssues(error: z.ZodError): ParamIssue[] {
  return error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({ path: key, message: "is not a parameter of this endpoint" }))
      : [{ path: issue.path.join(".") || "(root)", message: issue.message }],
  );
}

export type ParseResult<T> = { ok: true; data: T } | { ok: false; issues: ParamIssue[] };

function parseWith<S extends z.ZodType>(schema: S, params: URLSearchParams): ParseResult<z.output<S>> {
  const { values, issues } = searchParamsObject(params);
  const parsed = schema.safeParse(values);
  const all = [...issues, ...(parsed.success ? [] : paramIssues(parsed.error))];
  if (all.length > 0 || !parsed.success) return { ok: false, issues: all };
  return { ok: true, data: parsed.data };
}

export function parseUsageExportParams(params: URLSearchParams): ParseResult<UsageExportParams> {
  return parseWith(usageExportParamsSchema, params);
}

export function parseUsageQueryParams(params: URLSearchParams): ParseResult<UsageQueryParams> {
  return parseWith(usageQueryParamsSchema, params);
}

/** The 400 for bad parameters: the first one named in the message, every one in `details.issues`. */
export function parameterError(issues: ParamIssue[]): AppError {
  const first = issues[0];
  return new AppError(
    "bad_request",
    `Invalid parameter ${first ? `${first.path}: ${first.message}` : "(unknown problem)"}`,
    { issues },
  );
}
