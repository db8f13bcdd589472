import "server-only";

import { METRICS, periodEnd, periodsIntersecting, type EventType } from "@repo/usage";

import { jsonError } from "@/lib/api/responses";
import { getOrgRole, isPlatformAdmin, type AuthContext, type OrgRole } from "@/lib/auth/server";
import { AppError } from "@/lib/errors";
import { getCurrentOrg } from "@/lib/orgs/current";
import { createAdminSupabaseClient } from "@/lib/supabase/admin";

import { decideScope, listMemberOptions } from "./dashboard";
import {
  CONTENT_TYPES,
  RAW_JSON_COLUMNS,
  contentDisposition,
  csvHeader,
  encodeChunk,
  exportColumns,
  exportFileName,
  unitOf,
  type Cell,
  type FileNameParts,
} from "./export-format";
import { directDatabaseUrl, openCsvCopy, type CsvCopy } from "./export-copy";
import { pagedStream } from "./paged-stream";
import { readRawEventsFrom, retentionNotice } from "./retention";
import {
  acquireExportLease,
  releaseExportLease,
  renewExportLease,
  EXPORT_LEASE_TTL_SECONDS,
} from "./export-leases";
import {
  readBucketRows,
  readEventPage,
  type AdminClient,
  type EventCursor,
  type ReadScope,
} from "./export-queries";
import {
  parameterError,
  parseUsageExportParams,
  type ExportFormat,
  type ExportGranularity,
  type UsageExportParams,
} from "./export-schemas";

/**
 * The usage export (GET /api/usage/export, docs/architecture.md §5): authorize like the dashboard,
 * take a lease on one of the user's concurrent exports, then stream the file. Rows are read in
 * keyset pages only when the client wants more (ReadableStream pull(), one page read ahead), so
 * memory holds about two pages whatever the size, the header row leaves at once, and a client that
 * goes away aborts the page being read and stops the loop.
 */

/** Raw events per page (one round trip each, about 1 MB of JSON). */
export const EXPORT_PAGE_ROWS = 5000;

export interface ExportTarget {
  kind: "org" | "member" | "self" | "platform";
  /** null: every organization (platform). */
  orgId: string | null;
  orgName: string | null;
  /** One member's usage, else null. */
  userId: string | null;
  memberName: string | null;
}

export interface ExportPlan {
  target: ExportTarget;
  start: Date;
  end: Date;
  granularity: ExportGranularity;
  metrics: EventType[];
  format: ExportFormat;
}

/** For tests: watch pages as they are read. */
export interface ExportHooks {
  onPage?: (page: { index: number; rows: number }) => void;
  pageRows?: number;
  /**
   * How raw CSV is read: "copy" straight from Postgres (SUPABASE_DB_URL; the default when it is
   * set), "api" in JSON pages through the API (the default otherwise, and what JSON Lines and
   * roll-ups always use). Tests choose one.
   */
  reader?: "api" | "copy";
}

/**
 * Who may export what: the dashboard's decision (decideScope) for organizations, where an export
 * refuses what the page would quietly narrow; platform admins for scope=platform. Reads only under
 * the caller's RLS until the platform check has passed.
 */
export async function authorizeExport(ctx: AuthContext, params: UsageExportParams): Promise<ExportTarget> {
  if (params.scope === "platform") {
    if (!isPlatformAdmin(ctx.user)) {
      throw new AppError(
        "forbidden",
        "Only platform admins can export the platform's usage (scope=platform).",
      );
    }
    if (!params.org) return { kind: "platform", orgId: null, orgName: null, userId: null, memberName: null };
    const admin = createAdminSupabaseClient();
    const org = await admin.from("organizations").select("id, name").eq("id", params.org).maybeSingle();
    if (org.error) throw new Error(`Could not read the organization: ${org.error.message}`);
    if (!org.data) throw new AppError("not_found", "org: no such organization.");
    if (!params.member)
      return { kind: "org", orgId: org.data.id, orgName: org.data.name, userId: null, memberName: null };
    const member = await admin
      .from("memberships")
      .select("user_id")
      .eq("org_id", org.data.id)
      .eq("user_id", params.member)
      .maybeSingle();
    if (member.error) throw new Error(`Could not read the membership: ${member.error.message}`);
    if (!member.data) throw new AppError("bad_request", `member: not a member of ${org.data.name}.`);
    const profile = await admin
      .from("profiles")
      .select("display_name, email")
      .eq("id", params.member)
      .maybeSingle();
    if (profile.error) throw new Error(`Could not read the member's profile: ${profile.error.message}`);
    return {
      kind: "member",
      orgId: org.data.id,
      orgName: org.data.name,
      userId: params.member,
      memberName: profile.data?.display_name ?? profile.data?.email ?? null,
    };
  }

  let org: { id: string; name: string; role: OrgRole };
  if (params.org) {
    const role = await getOrgRole(ctx, params.org);
    const { data, error } = await ctx.supabase
      .from("organizations")
      .select("id, name")
      .eq("id", params.org)
      .maybeSingle();
    if (error) throw new Error(`Could not read the organization: ${error.message}`);
    if (!role || !data)
      throw new AppError("not_found", "org: organization not found, or you are not a member of it.");
    org = { id: data.id, name: data.name, role };
  } else {
    const { current } = await getCurrentOrg(ctx, null);
    if (!current) throw new AppError("not_found", "org: you belong to no organization.");
    org = { id: current.id, name: current.name, role: current.role };
  }

  const members = await listMemberOptions(ctx.supabase, org.id);
  const { scope, refused } = decideScope(
    {
      orgId: org.id,
      role: org.role,
      viewerId: ctx.user.id,
      memberId: params.member ?? null,
      wantsOrg: params.scope === "org",
    },
    members,
  );
  switch (refused) {
    case "member_not_allowed":
      throw new AppError("forbidden", "member: members can export only their own usage.");
    case "org_scope_not_allowed":
      throw new AppError("forbidden", "scope: only owners and admins can export the whole organization.");
    case "member_unknown":
      throw new AppError("bad_request", `member: not a member of ${org.name}.`);
    case null:
      break;
  }
  const memberName =
    scope.userId === null ? null : (members.find((m) => m.userId === scope.userId)?.name ?? null);
  return { kind: scope.kind, orgId: org.id, orgName: org.name, userId: scope.userId, memberName };
}

// ------------------------------------------------------------------------------------------------
// Pages of rows
// ------------------------------------------------------------------------------------------------

function readScope(target: ExportTarget): ReadScope {
  return { orgId: target.orgId, userId: target.userId };
}

/** Raw events in keyset pages; the platform reads organizations in order, then events without one. */
async function* rawPages(
  admin: AdminClient,
  plan: ExportPlan,
  signal: AbortSignal,
  pageRows: number,
): AsyncGenerator<Cell[][]> {
  const everyOrg = plan.target.orgId === null;
  let after: EventCursor | null = null;
  let nullOrg = false;
  for (;;) {
    const events = await readEventPage(admin, {
      scope: readScope(plan.target),
      start: plan.start,
      end: plan.end,
      metrics: plan.metrics,
      after,
      nullOrg,
      limit: pageRows,
      signal,
    });
    if (events.length > 0) {
      yield events.map((e) => [
        e.id,
        e.createdAt,
        e.receivedAt,
        e.orgId,
        e.orgName,
        e.userId,
        e.memberName,
        e.memberEmail,
        e.eventType,
        e.quantity,
        unitOf(e.eventType),
        e.eventData,
      ]);
    }
    const last = events.at(-1);
    if (!last || events.length < pageRows) {
      if (everyOrg && !nullOrg) {
        nullOrg = true;
        after = null;
        continue;
      }
      return;
    }
    after = { at: last.createdAt, id: last.id, orgId: last.orgId };
  }
}

interface MemberKey {
  orgId: string | null;
  orgName: string | null;
  userId: string;
  memberName: string | null;
  memberEmail: string | null;
}

const keyOf = (row: { orgId: string | null; userId: string }) => `${row.orgId ?? ""}/${row.userId}`;

/**
 * Roll-ups per bucket and member, one column per metric: read a window of buckets at a time
 * (usage_bucket_rows: roll-ups plus the live tail, exact like the dashboard), carrying each
 * member's storage level from one bucket to the next. A member gets a row for a bucket when they
 * used something in it or hold storage at its end.
 */
async function* rollupPages(
  admin: AdminClient,
  plan: ExportPlan,
  signal: AbortSignal,
): AsyncGenerator<Cell[][]> {
  const type = plan.granularity === "daily" ? "daily" : "monthly";
  const bucket = type === "daily" ? "day" : "month";
  const starts = periodsIntersecting(type, plan.start, plan.end);
  // A window's rows are held at once: a week of days for one organization, one bucket platform-wide.
  const perWindow = type === "monthly" || plan.target.orgId === null ? 1 : 7;
  const storage = plan.metrics.includes("storage_used");
  const levels = new Map<string, MemberKey & { level: number }>();

  for (let i = 0; i < starts.length; i += perWindow) {
    const windowStarts = starts.slice(i, i + perWindow);
    const first = windowStarts[0];
    const lastStart = windowStarts.at(-1);
    if (!first || !lastStart) break;
    const from = new Date(Math.max(first.getTime(), plan.start.getTime()));
    const to = new Date(Math.min(periodEnd(type, lastStart).getTime(), plan.end.getTime()));
    const rows = await readBucketRows(admin, {
      scope: readScope(plan.target),
      start: from,
      end: to,
      bucket,
      metrics: plan.metrics,
      dimension: false,
      baseline: i === 0,
      signal,
    });

    const byBucket = new Map<string, typeof rows>();
    for (const row of rows) {
      if (row.bucketStart === null) {
        levels.set(keyOf(row), { ...row, level: row.total });
        continue;
      }
      const list = byBucket.get(row.bucketStart) ?? [];
      list.push(row);
      byBucket.set(row.bucketStart, list);
    }

    const out: Cell[][] = [];
    for (const start of windowStarts) {
      const bucketRows = byBucket.get(start.toISOString()) ?? [];
      const members = new Map<string, MemberKey & { values: Map<EventType, number> }>();
      for (const row of bucketRows) {
        const entry = members.get(keyOf(row)) ?? { ...row, values: new Map<EventType, number>() };
        entry.values.set(row.metric, (entry.values.get(row.metric) ?? 0) + row.total);
        members.set(keyOf(row), entry);
      }
      if (storage) {
        for (const [key, held] of levels) {
          if (held.level !== 0 && !members.has(key)) members.set(key, { ...held, values: new Map() });
        }
      }
      const periodStart = new Date(Math.max(start.getTime(), plan.start.getTime())).toISOString();
      const periodStop = new Date(
        Math.min(periodEnd(type, start).getTime(), plan.end.getTime()),
      ).toISOString();
      const ordered = [...members.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [key, member] of ordered) {
        const cells: Cell[] = [
          periodStart,
          periodStop,
          member.orgId,
          member.orgName,
          member.userId,
          member.memberName,
          member.memberEmail,
        ];
        for (const metric of plan.metrics) {
          const value = member.values.get(metric) ?? 0;
          if (metric === "storage_used") {
            const level = (levels.get(key)?.level ?? 0) + value;
            if (level === 0) levels.delete(key);
            else levels.set(key, { ...member, level });
            cells.push(level, value);
          } else {
            cells.push(METRICS[metric].kind === "unique" ? (value > 0 ? 1 : 0) : value);
          }
        }
        out.push(cells);
      }
    }
    if (out.length > 0) yield out;
  }
}

/**
 * The file's chunks after the header, read as the consumer asks: one encoded page each, or the
 * bytes of a COPY as Postgres sends them.
 */
async function* exportChunks(
  admin: AdminClient,
  plan: ExportPlan,
  signal: AbortSignal,
  hooks: ExportHooks & { renew?: () => Promise<void>; copy?: CsvCopy },
): AsyncGenerator<string | Uint8Array> {
  if (hooks.copy) {
    for await (const chunk of hooks.copy.chunks) {
      await hooks.renew?.();
      yield chunk;
    }
    return;
  }
  const columns = exportColumns(plan.granularity, plan.metrics);
  const pages =
    plan.granularity === "raw"
      ? rawPages(admin, plan, signal, hooks.pageRows ?? EXPORT_PAGE_ROWS)
      : rollupPages(admin, plan, signal);
  let index = 0;
  for await (const rows of pages) {
    hooks.onPage?.({ index: index++, rows: rows.length });
    await hooks.renew?.();
    yield encodeChunk(plan.format, columns, rows, RAW_JSON_COLUMNS);
  }
}

export function exportHead(plan: Pick<ExportPlan, "format" | "granularity" | "metrics">): string {
  return plan.format === "csv" ? csvHeader(exportColumns(plan.granularity, plan.metrics)) : "";
}

/** The export's response: headers now, rows as the client reads them. */
export function exportResponse(
  admin: AdminClient,
  plan: ExportPlan,
  options: {
    fileName: string;
    signal?: AbortSignal;
    leaseId?: string;
    hooks?: ExportHooks;
    /** A COPY already started for this plan (raw CSV): its bytes are the file's rows. */
    copy?: CsvCopy;
  },
): Response {
  const abort = new AbortController();
  const onClientGone = () => abort.abort(options.signal?.reason);
  if (options.signal?.aborted) abort.abort(options.signal.reason);
  options.signal?.addEventListener("abort", onClientGone, { once: true });

  const leaseId = options.leaseId;
  let renewedAt = Date.now();
  const renew = leaseId
    ? async () => {
        if (Date.now() - renewedAt < (EXPORT_LEASE_TTL_SECONDS * 1000) / 3) return;
        renewedAt = Date.now();
        // A lease that cannot be renewed expires; the export itself goes on.
        await renewExportLease(admin, leaseId).catch((error: unknown) =>
          console.error("[usage export] could not renew its lease", error),
        );
      }
    : undefined;

  const body = pagedStream({
    head: exportHead(plan),
    chunks: exportChunks(admin, plan, abort.signal, { ...options.hooks, renew, copy: options.copy }),
    abort,
    onEnd: () => {
      options.signal?.removeEventListener("abort", onClientGone);
      abort.abort();
      void options.copy?.close();
      if (leaseId) void releaseExportLease(admin, leaseId);
    },
  });

  return new Response(body, {
    headers: {
      "content-type": CONTENT_TYPES[plan.format],
      "content-disposition": contentDisposition(options.fileName),
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
      // Proxies that buffer responses (nginx) would hold the first bytes back.
      "x-accel-buffering": "no",
    },
  });
}

/**
 * A raw CSV export read straight from Postgres when a direct connection is configured. A
 * connection that fails is logged and the export reads pages through the API instead, unless the
 * caller asked for COPY.
 */
async function startCopy(
  plan: ExportPlan,
  signal: AbortSignal,
  reader: ExportHooks["reader"],
): Promise<CsvCopy | null> {
  if (plan.granularity !== "raw" || plan.format !== "csv" || reader === "api") return null;
  const url = directDatabaseUrl();
  if (!url) {
    if (reader === "copy") throw new Error("A COPY export needs SUPABASE_DB_URL");
    return null;
  }
  try {
    return await openCsvCopy(
      url,
      { scope: readScope(plan.target), start: plan.start, end: plan.end, metrics: plan.metrics },
      signal,
    );
  } catch (error) {
    if (reader === "copy") throw error;
    console.error("[usage export] the direct connection failed; reading pages through the API", error);
    return null;
  }
}

function fileNameParts(plan: ExportPlan): FileNameParts {
  const { target } = plan;
  return {
    org: target.orgId ? { id: target.orgId, name: target.orgName ?? "" } : null,
    scope:
      target.userId !== null
        ? { kind: "member", id: target.userId, name: target.memberName ?? "" }
        : { kind: target.kind === "platform" ? "platform" : "org" },
    start: plan.start,
    end: plan.end,
    granularity: plan.granularity,
    format: plan.format,
  };
}

/**
 * GET /api/usage/export for a signed-in user (the route wraps it in withSession): parameters,
 * authorization, the concurrency lease, then the stream.
 */
export async function handleUsageExport(
  request: Request,
  ctx: AuthContext,
  hooks: ExportHooks = {},
): Promise<Response> {
  const parsed = parseUsageExportParams(new URL(request.url).searchParams);
  if (!parsed.ok) throw parameterError(parsed.issues);
  const params = parsed.data;
  const target = await authorizeExport(ctx, params);

  const admin = createAdminSupabaseClient();
  const lease = await acquireExportLease(admin, ctx.user.id);
  if ("retryAfter" in lease) {
    return jsonError(
      new AppError(
        "rate_limited",
        `You are already running the most exports allowed at once. Wait for one to finish, or retry after ${lease.retryAfter} s.`,
      ),
      { "retry-after": String(lease.retryAfter) },
    );
  }

  try {
    // Raw events before retention's start are gone: a raw export reaching there is made from the
    // daily roll-ups instead, and the response says so.
    const rawFrom = await readRawEventsFrom(admin);
    const notice = retentionNotice(params.from, rawFrom);
    const plan: ExportPlan = {
      target,
      start: params.from,
      end: params.to,
      granularity: notice && params.granularity === "raw" ? "daily" : params.granularity,
      metrics: params.metrics,
      format: params.format,
    };
    const copy = await startCopy(plan, request.signal, hooks.reader);
    const response = exportResponse(admin, plan, {
      fileName: exportFileName(fileNameParts(plan)),
      signal: request.signal,
      leaseId: lease.leaseId,
      hooks,
      copy: copy ?? undefined,
    });
    response.headers.set("x-usage-granularity", plan.granularity);
    if (rawFrom) response.headers.set("x-usage-raw-events-from", rawFrom.toISOString());
    if (notice) response.headers.set("x-usage-notice", notice);
    return response;
  } catch (error) {
    void releaseExportLease(admin, lease.leaseId);
    throw error;
  }
}
