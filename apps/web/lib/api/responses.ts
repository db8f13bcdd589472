import { NextResponse } from "next/server";
import type { z } from "zod";

import { AppError, isAppError } from "@/lib/errors";
import { findUnsafeText } from "@/lib/validation/text";

export interface ApiErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export function jsonError(error: AppError, headers?: HeadersInit): NextResponse<ApiErrorBody> {
  const body: ApiErrorBody = { error: { code: error.code, message: error.message } };
  if (error.details) body.error.details = error.details;
  return NextResponse.json(body, { status: error.status, headers });
}

/** Any failure as a JSON response: AppErrors keep their status; anything else is a logged 500. */
export function errorResponse(error: unknown): NextResponse<ApiErrorBody> {
  if (isAppError(error)) return jsonError(error);
  console.error("[api] unexpected failure", error);
  return NextResponse.json(
    { error: { code: "internal", message: "Something went wrong on our side. Try again in a moment." } },
    { status: 500 },
  );
}

/** A zod failure as a 400 AppError that lists every problem with its path. */
export function validationError(error: z.ZodError, what = "request"): AppError {
  const issues = error.issues.map((issue) => ({
    path: issue.path.join(".") || "(root)",
    message: issue.message,
  }));
  const first = issues[0];
  return new AppError(
    "bad_request",
    `Invalid ${what}: ${first ? `${first.path}: ${first.message}` : "unknown problem"}`,
    {
      issues,
    },
  );
}

export interface ReadJsonBodyOptions {
  /**
   * Refuse the whole body when any string or key in it is text Postgres cannot store (a NUL, an
   * unpaired surrogate). Default true; a route that judges items one by one turns it off and
   * checks each item itself.
   */
  refuseUnsafeText?: boolean;
}

/**
 * Reads a JSON body, refusing non-JSON content types, oversized bodies, malformed JSON and (unless
 * turned off) text Postgres cannot store, with 4xx. `JSON.parse` turns the escape `\u0000` into a
 * real NUL and keeps lone surrogates, so the parsed value is what is checked.
 */
export async function readJsonBody(
  request: Request,
  maxBytes: number,
  options: ReadJsonBodyOptions = {},
): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().includes("application/json")) {
    throw new AppError("bad_request", 'Send the body as JSON with "Content-Type: application/json".');
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes)
    throw new AppError("payload_too_large", `The body may be at most ${maxBytes} bytes.`);
  const text = await request.text();
  if (Buffer.byteLength(text) > maxBytes)
    throw new AppError("payload_too_large", `The body may be at most ${maxBytes} bytes.`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "The body is not valid JSON.");
  }
  if (options.refuseUnsafeText ?? true) {
    const unsafe = findUnsafeText(body);
    if (unsafe) {
      const message = `${unsafe.problem}, which cannot be stored`;
      throw new AppError("bad_request", `Invalid body: ${unsafe.path}: ${message}`, {
        issues: [{ path: unsafe.path, message }],
      });
    }
  }
  return body;
}
