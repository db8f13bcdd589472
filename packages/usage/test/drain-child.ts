// A process with a queue whose sink always fails, for the shutdown tests: it enqueues the number
// of events given in argv[2], says "ready", and waits to be signalled.
import { drainOnShutdown, UsageQueue } from "../src/index";

const queue = new UsageQueue<number>({
  sink: {
    write: async () => {
      throw new Error("connection refused");
    },
  },
  maxBatchSize: 10,
  flushIntervalMs: 50,
});
drainOnShutdown({ usage: queue }, { timeoutMs: 300, retryDelayMs: 50 });
const count = Number(process.argv[2] ?? 0);
for (let i = 0; i < count; i++) queue.enqueue(i);
// Keep the event loop busy, as a server would.
setInterval(() => undefined, 1000);
console.info("ready");
