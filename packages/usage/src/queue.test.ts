import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { UsageQueue, type Sink } from "./queue";

class RecordingSink implements Sink<number> {
  batches: number[][] = [];
  failuresLeft = 0;
  calls = 0;
  async write(batch: readonly number[]) {
    this.calls += 1;
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error("sink down");
    }
    this.batches.push([...batch]);
  }
  get written() {
    return this.batches.flat();
  }
}

describe("UsageQueue", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("returns from enqueue at once and writes nothing until a batch is due", () => {
    const sink = new RecordingSink();
    const queue = new UsageQueue({ sink, maxBatchSize: 10, flushIntervalMs: 1000 });
    expect(queue.enqueue(1)).toBe(true);
    expect(sink.calls).toBe(0);
    expect(queue.stats()).toMatchObject({ enqueued: 1, pending: 1, written: 0 });
  });

  it("flushes when the interval passes", async () => {
    const sink = new RecordingSink();
    const queue = new UsageQueue({ sink, maxBatchSize: 10, flushIntervalMs: 1000 });
    queue.enqueue(1);
    queue.enqueue(2);
    await vi.advanceTimersByTimeAsync(999);
    expect(sink.calls).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.batches).toEqual([[1, 2]]);
    expect(queue.stats()).toMatchObject({ written: 2, pending: 0 });
  });

  it("flushes as soon as a batch is full, in batches of at most maxBatchSize", async () => {
    const sink = new RecordingSink();
    const queue = new UsageQueue({ sink, maxBatchSize: 3, flushIntervalMs: 60_000 });
    for (let i = 1; i <= 7; i++) queue.enqueue(i);
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it("keeps events through sink failures and delivers them, in order, after recovery", async () => {
    const sink = new RecordingSink();
    const errors: number[] = [];
    const queue = new UsageQueue({
      sink,
      maxBatchSize: 2,
      flushIntervalMs: 100,
      baseBackoffMs: 1000,
      maxBackoffMs: 8000,
      random: () => 1,
      onError: (_error, attempt) => errors.push(attempt),
    });
    sink.failuresLeft = 3;
    for (let i = 1; i <= 5; i++) queue.enqueue(i);

    await vi.advanceTimersByTimeAsync(0); // first try fails
    expect(errors).toEqual([1]);
    expect(queue.stats().pending).toBe(5);

    queue.enqueue(6); // must not shorten the backoff
    await vi.advanceTimersByTimeAsync(999);
    expect(sink.calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1); // retry after 1 s fails
    expect(errors).toEqual([1, 2]);
    await vi.advanceTimersByTimeAsync(2000); // retry after 2 s fails
    expect(errors).toEqual([1, 2, 3]);
    await vi.advanceTimersByTimeAsync(4000); // retry after 4 s succeeds and drains everything
    expect(sink.written).toEqual([1, 2, 3, 4, 5, 6]);
    expect(queue.stats()).toMatchObject({ written: 6, pending: 0, failedWrites: 3, dropped: 0 });
  });

  it("caps the backoff and adds jitter", async () => {
    const sink = new RecordingSink();
    const delays: number[] = [];
    const timers = {
      setTimeout: (callback: () => void, ms: number) => {
        delays.push(ms);
        return setTimeout(callback, ms);
      },
      clearTimeout: (handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    };
    const queue = new UsageQueue({
      sink,
      maxBatchSize: 1,
      baseBackoffMs: 100,
      maxBackoffMs: 400,
      random: () => 0,
      timers,
    });
    sink.failuresLeft = 5;
    queue.enqueue(1);
    await vi.advanceTimersByTimeAsync(10_000);
    // 0 for the full batch, then half of 100, 200, 400, 400, 400 (random = 0 gives the lower half)
    expect(delays).toEqual([0, 50, 100, 200, 200, 200]);
    expect(sink.written).toEqual([1]);
  });

  it("bounds memory: drops past maxQueueSize, counts and reports every drop", async () => {
    const sink = new RecordingSink();
    const drops: number[] = [];
    const queue = new UsageQueue({
      sink,
      maxBatchSize: 2,
      maxQueueSize: 4,
      onDrop: (_n, total) => drops.push(total),
    });
    sink.failuresLeft = 100;
    const accepted = [1, 2, 3, 4, 5, 6].map((i) => queue.enqueue(i));
    expect(accepted).toEqual([true, true, true, true, false, false]);
    expect(drops).toEqual([1, 2]);
    expect(queue.stats()).toMatchObject({ enqueued: 4, dropped: 2, pending: 4 });
  });

  it("flush() drains on demand for shutdown and never rejects", async () => {
    const sink = new RecordingSink();
    const queue = new UsageQueue({ sink, maxBatchSize: 100, flushIntervalMs: 60_000 });
    queue.enqueue(1);
    await queue.flush();
    expect(sink.written).toEqual([1]);

    sink.failuresLeft = 1;
    queue.enqueue(2);
    await expect(queue.flush()).resolves.toBeUndefined();
    expect(queue.stats().pending).toBe(1);
    await queue.flush();
    expect(sink.written).toEqual([1, 2]);
  });

  it("does not lose events added while a write is in flight", async () => {
    let release: () => void = () => {};
    const written: number[] = [];
    const sink: Sink<number> = {
      write: (batch) =>
        new Promise<void>((resolve) => {
          release = () => {
            written.push(...batch);
            resolve();
          };
        }),
    };
    const queue = new UsageQueue({ sink, maxBatchSize: 2, flushIntervalMs: 10 });
    queue.enqueue(1);
    const flushing = queue.flush();
    queue.enqueue(2);
    queue.enqueue(3);
    release();
    await vi.advanceTimersByTimeAsync(0);
    release();
    await flushing;
    expect(written).toEqual([1, 2, 3]);
    expect(queue.stats().pending).toBe(0);
  });

  it("survives an error reporter that throws", async () => {
    const sink = new RecordingSink();
    sink.failuresLeft = 1;
    const queue = new UsageQueue({
      sink,
      maxBatchSize: 1,
      baseBackoffMs: 10,
      onError: () => {
        throw new Error("reporter broke");
      },
    });
    queue.enqueue(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(sink.written).toEqual([1]);
  });
});
