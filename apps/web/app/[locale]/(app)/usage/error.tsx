"use client";

import { useParams } from "next/navigation";
import { useEffect } from "react";

import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";

// Error boundaries are client components and get no props from the server, so their few words
// live here for both languages.
const words = {
  en: {
    title: "The usage could not be loaded",
    body: "Something went wrong while reading it. Try again in a moment.",
    retry: "Try again",
  },
  de: {
    title: "Die Nutzung konnte nicht geladen werden",
    body: "Beim Lesen ist etwas schiefgegangen. Versuchen Sie es gleich noch einmal.",
    retry: "Erneut versuchen",
  },
} as const;

export default function UsageError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  const { locale } = useParams<{ locale: string }>();
  const t = words[locale === "de" ? "de" : "en"];
  useEffect(() => {
    console.warn("[usage] the page failed to load", error.digest ?? error.message);
  }, [error]);
  return (
    <Card data-test="usage-error">
      <CardContent className="space-y-3 py-8 text-center">
        <p className="font-medium text-slate-900">{t.title}</p>
        <p className="text-sm text-slate-500">{t.body}</p>
        <Button type="button" onClick={reset}>
          {t.retry}
        </Button>
      </CardContent>
    </Card>
  );
}
