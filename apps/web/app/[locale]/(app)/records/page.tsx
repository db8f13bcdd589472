import Link from "next/link";
import { notFound } from "next/navigation";

import { CreateRecordForm } from "@/components/records/create-record-form";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireAuth } from "@/lib/auth/server";
import { formatDateTime } from "@/lib/format";
import { isLocale } from "@/lib/i18n/config";
import { getDictionary, pageTitle } from "@/lib/i18n/dictionaries";
import { interpolate, plural } from "@/lib/i18n/format";
import { rich } from "@/lib/i18n/rich";
import { getCurrentOrg } from "@/lib/orgs/current";
import { listRecords } from "@/lib/records/queries";
import { listRecordsQuerySchema } from "@/lib/records/schemas";

import { createRecordAction } from "./actions";

export const generateMetadata = pageTitle("records");

const PAGE_SIZE = 25;

export default async function RecordsPage({
  params,
  searchParams,
}: {
  params: Promise<{ locale: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const ctx = await requireAuth({ locale, next: `/${locale}/records` });
  const { current } = await getCurrentOrg(ctx);
  if (!current) notFound();

  const query = listRecordsQuerySchema.safeParse(await searchParams);
  const offset = query.success ? query.data.offset : 0;
  const tag = query.success ? query.data.tag : undefined;
  const { records, total } = await listRecords(ctx.supabase, {
    orgId: current.id,
    limit: PAGE_SIZE,
    offset,
    tag,
  });
  const t = getDictionary(locale).records;

  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
      <section className="min-w-0 space-y-4">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h1 className="text-2xl font-semibold tracking-tight">{t.title}</h1>
          <p className="text-sm text-slate-500" data-test="records-total">
            {plural(locale, t.total, total, { org: current.name })}
            {tag ? (
              <>
                {" "}
                {rich(t.taggedWith, { tag: <Badge tone="brand">{tag}</Badge> })}{" "}
                <Link className="text-brand-600 hover:underline" href={`/${locale}/records`}>
                  {t.clearTag}
                </Link>
              </>
            ) : null}
          </p>
        </div>
        {records.length === 0 ? (
          <EmptyState title={t.emptyTitle}>{t.emptyBody}</EmptyState>
        ) : (
          <Card>
            <ul className="divide-y divide-slate-100" data-test="records-list">
              {records.map((record) => (
                <li key={record.id} className="flex flex-wrap items-center justify-between gap-2 px-5 py-3">
                  <div className="min-w-0">
                    <Link
                      href={`/${locale}/records/${record.id}`}
                      className="font-medium text-slate-900 hover:text-brand-700"
                    >
                      {record.title}
                    </Link>
                    <div className="mt-1 flex flex-wrap gap-1">
                      {record.tags.map((t) => (
                        <Link key={t} href={`/${locale}/records?tag=${encodeURIComponent(t)}`}>
                          <Badge>{t}</Badge>
                        </Link>
                      ))}
                    </div>
                  </div>
                  <span className="text-xs text-slate-500">{formatDateTime(record.created_at, locale)}</span>
                </li>
              ))}
            </ul>
          </Card>
        )}
        {total > PAGE_SIZE ? (
          <nav className="flex justify-between text-sm" aria-label={t.pages}>
            {offset > 0 ? (
              <Link
                className="text-brand-600 hover:underline"
                href={`?offset=${Math.max(0, offset - PAGE_SIZE)}${tag ? `&tag=${tag}` : ""}`}
              >
                {t.newer}
              </Link>
            ) : (
              <span />
            )}
            {offset + PAGE_SIZE < total ? (
              <Link
                className="text-brand-600 hover:underline"
                href={`?offset=${offset + PAGE_SIZE}${tag ? `&tag=${tag}` : ""}`}
              >
                {t.older}
              </Link>
            ) : null}
          </nav>
        ) : null}
      </section>
      <Card className="h-fit">
        <CardHeader>
          <CardTitle>{t.newTitle}</CardTitle>
          <CardDescription>{interpolate(t.newDescription, { org: current.name })}</CardDescription>
        </CardHeader>
        <CardContent>
          <CreateRecordForm orgId={current.id} action={createRecordAction} labels={t.form} />
        </CardContent>
      </Card>
    </div>
  );
}
