import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { CreateRecordForm } from "@/components/records/create-record-form";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireAuth } from "@/lib/auth/server";
import { formatDateTime } from "@/lib/format";
import { isLocale } from "@/lib/i18n/config";
import { getCurrentOrg } from "@/lib/orgs/current";
import { listRecords } from "@/lib/records/queries";
import { listRecordsQuerySchema } from "@/lib/records/schemas";

import { createRecordAction } from "./actions";

export const metadata: Metadata = { title: "Records" };

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

  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
      <section className="min-w-0 space-y-4">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h1 className="text-2xl font-semibold tracking-tight">Records</h1>
          <p className="text-sm text-slate-500" data-test="records-total">
            {total} {total === 1 ? "record" : "records"} in {current.name}
            {tag ? (
              <>
                {" "}
                tagged <Badge tone="brand">{tag}</Badge>{" "}
                <Link className="text-brand-600 hover:underline" href={`/${locale}/records`}>
                  clear
                </Link>
              </>
            ) : null}
          </p>
        </div>
        {records.length === 0 ? (
          <EmptyState title="No records yet">Create the first one with the form.</EmptyState>
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
                  <span className="text-xs text-slate-500">{formatDateTime(record.created_at)}</span>
                </li>
              ))}
            </ul>
          </Card>
        )}
        {total > PAGE_SIZE ? (
          <nav className="flex justify-between text-sm" aria-label="Pages">
            {offset > 0 ? (
              <Link
                className="text-brand-600 hover:underline"
                href={`?offset=${Math.max(0, offset - PAGE_SIZE)}${tag ? `&tag=${tag}` : ""}`}
              >
                ← Newer
              </Link>
            ) : (
              <span />
            )}
            {offset + PAGE_SIZE < total ? (
              <Link
                className="text-brand-600 hover:underline"
                href={`?offset=${offset + PAGE_SIZE}${tag ? `&tag=${tag}` : ""}`}
              >
                Older →
              </Link>
            ) : null}
          </nav>
        ) : null}
      </section>
      <Card className="h-fit">
        <CardHeader>
          <CardTitle>New record</CardTitle>
          <CardDescription>Records belong to {current.name}.</CardDescription>
        </CardHeader>
        <CardContent>
          <CreateRecordForm orgId={current.id} action={createRecordAction} />
        </CardContent>
      </Card>
    </div>
  );
}
