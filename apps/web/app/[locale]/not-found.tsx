import { NotFoundContent } from "@/components/layout/not-found-content";
import { getDictionary } from "@/lib/i18n/dictionaries";
import { requestLocale } from "@/lib/i18n/request";

/** What notFound() in a page under [locale] shows (not-found files get no route params). */
export default async function NotFound() {
  const locale = await requestLocale();
  return <NotFoundContent locale={locale} t={getDictionary(locale).notFound} />;
}
