import { NextResponse } from "next/server";
import type { z } from "zod";

import { AppError, isAppError } from "@/lib/errors";

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

/** Reads a JSON body, refusing non-JSON content types, oversized bodies and malformed JSON with 4xx. */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
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
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "The body is not valid JSON.");
  }
}
