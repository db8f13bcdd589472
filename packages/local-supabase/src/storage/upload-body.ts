import type { IncomingMessage } from "node:http";
import { asRecord, BodyTooLargeError, readBody } from "../http-io.ts";
import { storageFailures } from "./errors.ts";

export interface UploadBody {
  data: Buffer;
  contentType: string;
  cacheControl: string;
  userMetadata: Record<string, unknown> | null;
}

type FormFile = Exclude<ReturnType<FormData["get"]>, string | null>;

// Room for the multipart envelope around a file that is exactly at the size limit.
const MULTIPART_OVERHEAD = 64 * 1024;

function parseMetadata(json: string | null): Record<string, unknown> | null {
  if (!json) return null;
  try {
    return asRecord(JSON.parse(json));
  } catch {
    throw storageFailures.invalidRequest("metadata must be a JSON object");
  }
}

/**
 * storage-js sends a Blob/File as multipart/form-data (fields `cacheControl`, optional `metadata`,
 * and the file under the empty field name) and anything else as the raw body with
 * `cache-control`, `content-type` and base64 `x-metadata` headers.
 */
export async function readUpload(req: IncomingMessage, limitBytes: number): Promise<UploadBody> {
  const contentType = req.headers["content-type"] ?? "application/octet-stream";
  let raw: Buffer;
  try {
    raw = await readBody(req, limitBytes + MULTIPART_OVERHEAD);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw storageFailures.tooLarge();
    throw error;
  }

  if (contentType.toLowerCase().startsWith("multipart/form-data")) {
    let form: FormData;
    try {
      // A view typed over ArrayBuffer (no copy): Buffer itself is not a BodyInit under the DOM typings.
      const body = new Uint8Array(raw.buffer as ArrayBuffer, raw.byteOffset, raw.length);
      form = await new Response(body, { headers: { "content-type": contentType } }).formData();
    } catch {
      throw storageFailures.invalidRequest("Malformed multipart/form-data body");
    }
    const file = [...form.values()].find((value): value is FormFile => typeof value !== "string");
    if (!file) throw storageFailures.invalidRequest("The multipart body has no file");
    const cacheControl = form.get("cacheControl");
    const metadata = form.get("metadata");
    return {
      data: Buffer.from(await file.arrayBuffer()),
      contentType: file.type || "application/octet-stream",
      cacheControl: `max-age=${typeof cacheControl === "string" && cacheControl ? cacheControl : "3600"}`,
      userMetadata: parseMetadata(typeof metadata === "string" ? metadata : null),
    };
  }

  const encodedMetadata = req.headers["x-metadata"];
  return {
    data: raw,
    contentType,
    cacheControl: req.headers["cache-control"] ?? "no-cache",
    userMetadata: parseMetadata(
      typeof encodedMetadata === "string" ? Buffer.from(encodedMetadata, "base64").toString("utf8") : null,
    ),
  };
}
