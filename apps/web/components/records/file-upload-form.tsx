"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition, type FormEvent } from "react";

import { Button } from "@/components/ui/button";
import { FieldError, FormMessage } from "@/components/ui/form-message";
import { MAX_FILE_BYTES } from "@/lib/files/schemas";
import { idleFormState, type FormState } from "@/lib/forms";
import type { Dictionary } from "@/lib/i18n/dictionaries";
import { interpolate } from "@/lib/i18n/format";
import { createBrowserSupabaseClient } from "@/lib/supabase/browser";

type PrepareUpload = (prev: FormState, formData: FormData) => Promise<FormState>;
type Labels = Dictionary["record"]["upload"];

/**
 * Storage refuses an upload that would pass the plan's storage limit (the database raises PT402).
 * The local stack answers 402 with the database's message; hosted Storage answers 500 and names
 * only the code, so both are recognised here.
 */
function uploadErrorMessage(error: { message: string; status?: number }, labels: Labels): string {
  if (error.status === 402 || /PT402/.test(error.message) || /^Limit reached/.test(error.message)) {
    return /^Limit reached/.test(error.message) ? error.message : labels.storageLimit;
  }
  return interpolate(labels.failed, { message: error.message });
}

/**
 * Uploads a file to a record in two steps: the server action checks the record and the storage
 * limit and hands out a signed upload URL; the browser then sends the bytes straight to Storage,
 * which enforces the limit with the real size and records the usage. Files up to 50 MB never pass
 * through the app server.
 */
export function FileUploadForm({
  prepareUpload,
  orgId,
  recordId,
  labels,
}: {
  prepareUpload: PrepareUpload;
  orgId: string;
  recordId: string;
  labels: Labels;
}) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const [state, setState] = useState<FormState>(idleFormState);
  const [pending, startTransition] = useTransition();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const file = new FormData(event.currentTarget).get("file");
    if (!(file instanceof File) || file.size === 0) {
      setState({
        status: "error",
        message: labels.chooseFile,
        fieldErrors: { file: labels.chooseFile },
      });
      return;
    }
    if (file.size > MAX_FILE_BYTES) {
      setState({
        status: "error",
        message: labels.tooLarge,
        fieldErrors: { file: labels.tooLarge },
      });
      return;
    }
    startTransition(async () => {
      const request = new FormData();
      request.set("orgId", orgId);
      request.set("recordId", recordId);
      request.set("fileName", file.name);
      request.set("size", String(file.size));
      const prepared = await prepareUpload(idleFormState, request);
      if (prepared.status !== "success" || !prepared.data) {
        setState(prepared);
        return;
      }
      const { bucket, path, token } = prepared.data;
      const { error } = await createBrowserSupabaseClient()
        .storage.from(bucket ?? "")
        .uploadToSignedUrl(path ?? "", token ?? "", file, {
          contentType: file.type || "application/octet-stream",
          metadata: { file_name: file.name },
        });
      if (error) {
        setState({ status: "error", message: uploadErrorMessage(error, labels) });
        return;
      }
      setState({ status: "success", message: interpolate(labels.uploaded, { name: file.name }) });
      formRef.current?.reset();
      router.refresh();
    });
  }

  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-2" data-test="file-upload-form">
      <div>
        <label htmlFor="file" className="sr-only">
          {labels.file}
        </label>
        <input
          id="file"
          name="file"
          type="file"
          required
          className="block w-full text-sm text-slate-600 file:mr-3 file:rounded-md file:border-0 file:bg-brand-50 file:px-3 file:py-2 file:text-sm file:font-medium file:text-brand-700"
        />
        <FieldError state={state} name="file" />
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" variant="secondary" disabled={pending}>
          {pending ? labels.pending : labels.submit}
        </Button>
        <FormMessage state={state} />
      </div>
    </form>
  );
}
