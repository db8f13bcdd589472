import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { FileUploadForm } from "@/components/records/file-upload-form";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ActionForm } from "@/components/ui/action-form";
import { getAiConfig, AI_NOT_CONFIGURED_MESSAGE } from "@/lib/ai/provider";
import { listRecentSummaries } from "@/lib/ai/summarize";
import { requireAuth } from "@/lib/auth/server";
import { listRecordFiles } from "@/lib/files/queries";
import { formatBytes, formatDateTime } from "@/lib/format";
import { isLocale } from "@/lib/i18n/config";
import { getCurrentOrg } from "@/lib/orgs/current";
import { getRecord } from "@/lib/records/queries";
import { uuidSchema } from "@/lib/records/schemas";

import { deleteRecordAction } from "../actions";
import { deleteFileAction, prepareUploadAction, summarizeRecordAction } from "./actions";

export const metadata: Metadata = { title: "Record" };

export default async function RecordPage({ params }: { params: Promise<{ locale: string; id: string }> }) {
  const { locale, id } = await params;
  if (!isLocale(locale) || !uuidSchema.safeParse(id).success) notFound();
  const ctx = await requireAuth({ locale, next: `/${locale}/records/${id}` });
  const { current } = await getCurrentOrg(ctx);
  if (!current) notFound();
  const record = await getRecord(ctx.supabase, current.id, id);
  if (!record) notFound();

  const [files, summaries] = await Promise.all([
    listRecordFiles(ctx.supabase, current.id, record.id),
    listRecentSummaries(ctx.supabase, record.id),
  ]);
  const aiConfigured = getAiConfig() !== null;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <Link href={`/${locale}/records`} className="text-sm text-brand-600 hover:underline">
            ← Records
          </Link>
          <h1 className="mt-1 text-2xl font-semibold tracking-tight break-words" data-test="record-title">
            {record.title}
          </h1>
          <p className="mt-1 text-sm text-slate-500">
            Created {formatDateTime(record.created_at)}{" "}
            {record.archived ? <Badge tone="amber">archived</Badge> : null}
          </p>
          <div className="mt-2 flex flex-wrap gap-1" data-test="record-tags">
            {record.tags.map((tag) => (
              <Badge key={tag}>{tag}</Badge>
            ))}
          </div>
        </div>
        <ActionForm
          action={deleteRecordAction}
          hidden={{ orgId: current.id, recordId: record.id, locale }}
          submitLabel="Delete record"
          submitVariant="danger"
          confirm="Delete this record and its files?"
        />
      </div>

      <Card>
        <CardContent>
          {record.body ? (
            <p className="whitespace-pre-wrap text-slate-800">{record.body}</p>
          ) : (
            <p className="text-sm text-slate-500">This record has no body.</p>
          )}
        </CardContent>
      </Card>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Files</CardTitle>
            <CardDescription>Only members of {current.name} can reach these files.</CardDescription>
          </CardHeader>
          <CardContent className="space-y-4">
            {files.length === 0 ? (
              <EmptyState title="No files attached" />
            ) : (
              <ul className="divide-y divide-slate-100" data-test="files-list">
                {files.map((file) => (
                  <li key={file.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                    <div className="min-w-0">
                      <a
                        href={`/api/files/${file.id}`}
                        className="font-medium break-all text-brand-700 hover:underline"
                      >
                        {file.file_name}
                      </a>
                      <p className="text-xs text-slate-500">
                        {formatBytes(file.size_bytes)} · {formatDateTime(file.created_at)}
                      </p>
                    </div>
                    <ActionForm
                      action={deleteFileAction}
                      hidden={{ orgId: current.id, fileId: file.id }}
                      submitLabel="Delete"
                      submitVariant="danger"
                    />
                  </li>
                ))}
              </ul>
            )}
            <FileUploadForm prepareUpload={prepareUploadAction} orgId={current.id} recordId={record.id} />
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>AI summary</CardTitle>
            <CardDescription>Summarize this record with the configured model.</CardDescription>
          </CardHeader>
          <CardContent className="space-y-4">
            {summaries.map((summary) => (
              <div key={summary.id} className="rounded-md bg-slate-50 p-3" data-test="ai-summary">
                <p className="text-sm whitespace-pre-wrap text-slate-800">{summary.summary}</p>
                <p className="mt-1 text-xs text-slate-500">
                  {summary.model} · {summary.total_tokens} tokens · {formatDateTime(summary.created_at)}
                </p>
              </div>
            ))}
            {aiConfigured ? (
              <ActionForm
                action={summarizeRecordAction}
                hidden={{ orgId: current.id, recordId: record.id }}
                submitLabel="Summarize this record"
                pendingLabel="Summarizing…"
                submitVariant="secondary"
              />
            ) : (
              <p className="rounded-md bg-amber-50 p-3 text-sm text-amber-900" data-test="ai-not-configured">
                {AI_NOT_CONFIGURED_MESSAGE}
              </p>
            )}
          </CardContent>
        </Card>
      </div>
    </div>
  );
}
