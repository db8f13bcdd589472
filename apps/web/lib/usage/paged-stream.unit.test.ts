import { describe, expect, it } from "vitest";

import { pagedStream } from "./paged-stream";

/** A source of `pages` chunks that records how many it was asked for. */
function source(pages: number) {
  const state = { requested: 0, finished: false };
  async function* chunks(): AsyncGenerator<string> {
    try {
      for (let i = 0; i < pages; i++) {
        state.requested++;
        await new Promise((resolve) => setTimeout(resolve, 1));
        yield `page ${i}\n`;
      }
    } finally {
      state.finished = true;
    }
  }
  return { state, chunks: chunks() };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe("pagedStream", () => {
  it("sends the head at once and reads a page only when the consumer wants one (one ahead)", async () => {
    const { state, chunks } = source(100);
    const ends: string[] = [];
    const stream = pagedStream({
      head: "head\n",
      chunks,
      abort: new AbortController(),
      onEnd: (o) => ends.push(o),
    });
    const reader = stream.getReader();
    const decoder = new TextDecoder();

    expect(decoder.decode((await reader.read()).value)).toBe("head\n");
    await settle();
    expect(state.requested).toBeLessThanOrEqual(2);

    for (let i = 0; i < 5; i++) expect(decoder.decode((await reader.read()).value)).toBe(`page ${i}\n`);
    // A consumer that stops reading stops the source: nothing piles up.
    await settle();
    expect(state.requested).toBeLessThanOrEqual(5 + 2);

    let rest = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      rest += decoder.decode(value);
    }
    expect(rest.split("\n").filter(Boolean)).toHaveLength(95);
    expect(ends).toEqual(["done"]);
  });

  it("stops the source and ends once when the consumer cancels", async () => {
    const { state, chunks } = source(1000);
    const ends: string[] = [];
    const abort = new AbortController();
    const stream = pagedStream({ head: "", chunks, abort, onEnd: (o) => ends.push(o) });
    const reader = stream.getReader();
    await reader.read();
    await reader.read();
    await reader.cancel("gone");
    await settle();
    const requested = state.requested;
    await settle();
    expect(state.requested).toBe(requested);
    expect(requested).toBeLessThan(10);
    expect(state.finished).toBe(true);
    expect(abort.signal.aborted).toBe(true);
    expect(ends).toEqual(["cancelled"]);
  });

  it("stops when the request is aborted, even while the consumer is not reading", async () => {
    const { state, chunks } = source(1000);
    const ends: string[] = [];
    const abort = new AbortController();
    const stream = pagedStream({ head: "", chunks, abort, onEnd: (o) => ends.push(o) });
    const reader = stream.getReader();
    await reader.read();
    abort.abort();
    await settle();
    expect(state.finished).toBe(true);
    expect(ends).toEqual(["cancelled"]);
    expect(state.requested).toBeLessThan(5);
  });

  it("fails the stream, not ends it, when a page cannot be read", async () => {
    async function* failing(): AsyncGenerator<string> {
      yield "a\n";
      throw new Error("database went away");
    }
    const ends: string[] = [];
    const stream = pagedStream({
      head: "",
      chunks: failing(),
      abort: new AbortController(),
      onEnd: (o) => ends.push(o),
    });
    const reader = stream.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("a\n");
    await expect(reader.read()).rejects.toThrow("database went away");
    expect(ends).toEqual(["failed"]);
  });
});
