/**
 * A bounded, batching, retrying queue for usage events. Producers call `enqueue`, which never
 * blocks, throws or waits; batches go to a pluggable sink when the batch is full or the flush
 * interval has passed. A failing sink is retried with exponential backoff and jitter while
 * the events stay queued, so they arrive after the sink recovers. Memory is bounded: past
 * `maxQueueSize` new events are dropped, counted and reported, never silently.
 */

export interface Sink<T> {
  /** Stores one batch in one round trip. Rejects on failure; the batch is then retried. */
  write(batch: readonly T[]): Promise<void>;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface QueueOptions<T> {
  sink: Sink<T>;
  /** Largest batch handed to the sink (postgrest-js is quadratic above ~1000 rows). */
  maxBatchSize?: number;
  /** How long an event may wait for a batch to fill. */
  flushIntervalMs?: number;
  /** Events held in memory at most; more are dropped and counted. */
  maxQueueSize?: number;
  /** First retry delay; doubles per consecutive failure up to maxBackoffMs. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Called when events are dropped because the queue is full. */
  onDrop?: (dropped: number, totalDropped: number) => void;
  /** Called when a batch write fails (it will be retried). */
  onError?: (error: unknown, attempt: number) => void;
  timers?: Timers;
  random?: () => number;
}

export interface QueueStats {
  enqueued: number;
  written: number;
  dropped: number;
  failedWrites: number;
  pending: number;
}

const realTimers: Timers = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // A pending flush must never keep a process alive on its own.
    (handle as { unref?: () => void }).unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class UsageQueue<T> {
  private readonly sink: Sink<T>;
  private readonly maxBatchSize: number;
  private readonly flushIntervalMs: number;
  private readonly maxQueueSize: number;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly onDrop: QueueOptions<T>["onDrop"];
  private readonly onError: QueueOptions<T>["onError"];
  private readonly timers: Timers;
  private readonly random: () => number;

  private buffer: T[] = [];
  private timer: unknown = null;
  private timerDueAt = 0;
  private draining: Promise<void> | null = null;
  private consecutiveFailures = 0;
  private lastFailure: string | null = null;
  private readonly counters = { enqueued: 0, written: 0, dropped: 0, failedWrites: 0 };

  constructor(options: QueueOptions<T>) {
    this.sink = options.sink;
    this.maxBatchSize = options.maxBatchSize ?? 500;
    this.flushIntervalMs = options.flushIntervalMs ?? 1000;
    this.maxQueueSize = options.maxQueueSize ?? 100_000;
    this.baseBackoffMs = options.baseBackoffMs ?? 250;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.onDrop = options.onDrop;
    this.onError = options.onError;
    this.timers = options.timers ?? realTimers;
    this.random = options.random ?? Math.random;
    if (this.maxBatchSize < 1 || this.maxQueueSize < this.maxBatchSize) {
      throw new RangeError("maxQueueSize must be at least maxBatchSize, and maxBatchSize at least 1");
    }
  }

  /** Adds an event. O(1), synchronous, never throws. Returns false when it had to be dropped. */
  enqueue(item: T): boolean {
    if (this.buffer.length >= this.maxQueueSize) {
      this.counters.dropped += 1;
      this.onDrop?.(1, this.counters.dropped);
      return false;
    }
    this.buffer.push(item);
    this.counters.enqueued += 1;
    if (this.consecutiveFailures > 0) {
      // The sink is down: new events wait for the backoff timer instead of hammering it.
      if (this.timer === null) this.schedule(this.retryDelay());
    } else {
      this.schedule(this.buffer.length >= this.maxBatchSize ? 0 : this.flushIntervalMs);
    }
    return true;
  }

  /**
   * Writes everything queued now (and anything added meanwhile) unless the sink fails; then the
   * events stay queued for the backoff timer. Resolves either way; never rejects.
   */
  flush(): Promise<void> {
    this.clearTimer();
    this.draining ??= this.drain().finally(() => {
      this.draining = null;
      if (this.buffer.length > 0) this.schedule(this.retryDelay());
    });
    return this.draining;
  }

  stats(): QueueStats {
    return { ...this.counters, pending: this.buffer.length };
  }

  /** The message of the last failed write, or null once a write succeeds again. */
  lastError(): string | null {
    return this.lastFailure;
  }

  /**
   * Gives up on everything still queued (at shutdown, when the sink cannot take it): the events
   * are counted as dropped and their number returned, so the caller can say how many were lost.
   */
  discard(): number {
    const lost = this.buffer.length;
    this.buffer = [];
    this.clearTimer();
    this.counters.dropped += lost;
    return lost;
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.slice(0, this.maxBatchSize);
      try {
        await this.sink.write(batch);
      } catch (error) {
        this.consecutiveFailures += 1;
        this.counters.failedWrites += 1;
        this.lastFailure = error instanceof Error ? error.message : String(error);
        try {
          this.onError?.(error, this.consecutiveFailures);
        } catch {
          // a broken error reporter must not break the queue
        }
        return; // the batch stays at the head of the buffer
      }
      // Remove exactly what was written; new events may have been appended meanwhile.
      this.buffer.splice(0, batch.length);
      this.counters.written += batch.length;
      this.consecutiveFailures = 0;
      this.lastFailure = null;
    }
  }

  /** Exponential backoff with jitter (half fixed, half random) after failures; else the normal cadence. */
  private retryDelay(): number {
    if (this.consecutiveFailures === 0)
      return this.buffer.length >= this.maxBatchSize ? 0 : this.flushIntervalMs;
    const ceiling = Math.min(this.maxBackoffMs, this.baseBackoffMs * 2 ** (this.consecutiveFailures - 1));
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  private schedule(ms: number): void {
    if (this.draining) return; // the drain's finally re-schedules
    const dueAt = Date.now() + ms;
    if (this.timer !== null) {
      if (this.timerDueAt <= dueAt) return;
      this.clearTimer();
    }
    this.timerDueAt = dueAt;
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, ms);
  }

  private clearTimer(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }
}
