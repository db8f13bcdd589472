import Link from "next/link";
import { notFound } from "next/navigation";

import { FileUploadForm } from "@/components/records/file-upload-form";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ActionForm } from "@/components/ui/action-form";
import { getAiConfig } from "@/lib/ai/provider";
import { listRecentSummaries } from "@/lib/ai/queries";
import { requireAuth } from "@/lib/auth/server";
import { listRecordFiles } from "@/lib/files/queries";
import { formatBytes, formatDateTime } from "@/lib/format";
import { isLocale } from "@/lib/i18n/config";
import { getDictionary, pageTitle } from "@/lib/i18n/dictionaries";
import { interpolate, plural } from "@/lib/i18n/format";
import { getCurrentOrg } from "@/lib/orgs/current";
import { getRecord } from "@/lib/records/queries";
import { uuidSchema } from "@/lib/records/schemas";

import { deleteRecordAction } from "../actions";
import { deleteFileAction, prepareUploadAction, summarizeRecordAction } from "./actions";

export const generateMetadata = pageTitle("record");

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
  const dictionary = getDictionary(locale);
  const t = dictionary.record;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <Link href={`/${locale}/records`} className="text-sm text-brand-600 hover:underline">
            {t.back}
          </Link>
          <h1 className="mt-1 text-2xl font-semibold tracking-tight break-words" data-test="record-title">
            {record.title}
          </h1>
          <p className="mt-1 text-sm text-slate-500">
            {interpolate(t.created, { date: formatDateTime(record.created_at, locale) })}{" "}
            {record.archived ? <Badge tone="amber">{t.archived}</Badge> : null}
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
          submitLabel={t.deleteRecord}
          pendingLabel={dictionary.common.deleting}
          submitVariant="danger"
          confirm={t.deleteConfirm}
        />
      </div>

      <Card>
        <CardContent>
          {record.body ? (
            <p className="whitespace-pre-wrap text-slate-800">{record.body}</p>
          ) : (
            <p className="text-sm text-slate-500">{t.noBody}</p>
          )}
        </CardContent>
      </Card>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>{t.filesTitle}</CardTitle>
            <CardDescription>{interpolate(t.filesDescription, { org: current.name })}</CardDescription>
          </CardHeader>
          <CardContent className="space-y-4">
            {files.length === 0 ? (
              <EmptyState title={t.filesEmpty} />
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
                        {formatBytes(file.size_bytes, locale)} · {formatDateTime(file.created_at, locale)}
                      </p>
                    </div>
                    <ActionForm
                      action={deleteFileAction}
                      hidden={{ orgId: current.id, fileId: file.id }}
                      submitLabel={dictionary.common.delete}
                      pendingLabel={dictionary.common.deleting}
                      submitVariant="danger"
                    />
                  </li>
                ))}
              </ul>
            )}
            <FileUploadForm
              prepareUpload={prepareUploadAction}
              orgId={current.id}
              recordId={record.id}
              labels={t.upload}
            />
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>{t.aiTitle}</CardTitle>
            <CardDescription>{t.aiDescription}</CardDescription>
          </CardHeader>
          <CardContent className="space-y-4">
            {summaries.map((summary) => (
              <div key={summary.id} className="rounded-md bg-slate-50 p-3" data-test="ai-summary">
                <p className="text-sm whitespace-pre-wrap text-slate-800">{summary.summary}</p>
                <p className="mt-1 text-xs text-slate-500">
                  {summary.model} · {plural(locale, t.aiTokens, summary.total_tokens)} ·{" "}
                  {formatDateTime(summary.created_at, locale)}
                </p>
              </div>
            ))}
            {aiConfigured ? (
              <ActionForm
                action={summarizeRecordAction}
                hidden={{ orgId: current.id, recordId: record.id }}
                submitLabel={t.summarize}
                pendingLabel={t.summarizing}
                submitVariant="secondary"
              />
            ) : (
              <p className="rounded-md bg-amber-50 p-3 text-sm text-amber-900" data-test="ai-not-configured">
                {t.aiNotConfigured}
              </p>
            )}
          </CardContent>
        </Card>
      </div>
    </div>
  );
}
