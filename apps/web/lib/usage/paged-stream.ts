/**
 * Streams for files of any size (docs/architecture.md §5): chunks from an async source, pulled
 * only when the consumer has room (back-pressure), so memory holds about two chunks whatever the
 * size. Free of server modules, so it is tested on its own.
 */

/**
 * A byte stream over an async source of chunks (text, or bytes passed on as they are), with
 * back-pressure: pull() reads the next chunk only when the consumer's queue has room, and reads one
 * ahead so a page is fetched while the previous one is sent. `head` is sent at once. Cancelling
 * (the client went away) aborts `abort`, which stops the read in flight. `onEnd` runs once,
 * however the stream ends.
 */
export function pagedStream(options: {
  head: string;
  chunks: AsyncGenerator<string | Uint8Array>;
  abort: AbortController;
  onEnd: (outcome: "done" | "cancelled" | "failed", error?: unknown) => void;
}): ReadableStream<Uint8Array> {
  const { chunks, abort } = options;
  const encoder = new TextEncoder();
  let ahead: Promise<IteratorResult<string | Uint8Array>> | null = null;
  let ended = false;
  const end = (outcome: "done" | "cancelled" | "failed", error?: unknown) => {
    if (ended) return;
    ended = true;
    options.onEnd(outcome, error);
  };
  const next = () => {
    const promise = chunks.next();
    // Rejections are handled where the promise is awaited; this keeps a read ahead that fails
    // after a cancel from being reported as unhandled.
    promise.catch(() => undefined);
    return promise;
  };

  // However the end comes (the client went away, the request was aborted, the stream was
  // cancelled), the source stops: the read in flight is aborted and the generator is closed.
  abort.signal.addEventListener(
    "abort",
    () => {
      void chunks.return(undefined).catch(() => undefined);
      end("cancelled");
    },
    { once: true },
  );

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (options.head) controller.enqueue(encoder.encode(options.head));
      },
      async pull(controller) {
        try {
          for (;;) {
            const result = await (ahead ?? next());
            ahead = null;
            if (result.done) {
              controller.close();
              end("done");
              return;
            }
            const chunk = result.value;
            if (chunk.length === 0) continue;
            ahead = next();
            controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
            return;
          }
        } catch (error) {
          if (abort.signal.aborted) {
            try {
              controller.error(abort.signal.reason);
            } catch {
              // Already cancelled by the consumer.
            }
            return;
          }
          // Headers and some rows are out: failing the stream makes the download fail visibly
          // rather than end as a file that looks complete.
          console.error("[usage export] failed mid-stream", error);
          controller.error(error);
          end("failed", error);
        }
      },
      cancel(reason) {
        abort.abort(reason);
      },
    },
    { highWaterMark: 1 },
  );
}
