/**
 * Runs `cleanup` once on SIGINT/SIGTERM/SIGHUP, an uncaught error or an explicit call, then exits.
 * Repeated signals are ignored rather than forcing an exit: pnpm forwards the terminal's Ctrl-C a
 * second time, and an early exit would orphan the database (every stop step has its own timeout).
 */
export function exitAfterCleanup(cleanup: () => Promise<void>): (code: number, reason?: unknown) => void {
  let running = false;
  const shutdown = (code: number, reason?: unknown): void => {
    if (running) return;
    running = true;
    if (reason !== undefined) {
      console.error(reason instanceof Error ? (reason.stack ?? reason.message) : String(reason));
    }
    cleanup()
      .catch((error: unknown) =>
        console.error(`Cleanup failed: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => process.exit(code));
  };
  process.on("SIGINT", () => shutdown(130));
  process.on("SIGTERM", () => shutdown(143));
  process.on("SIGHUP", () => shutdown(129));
  process.on("uncaughtException", (error) => shutdown(1, error));
  process.on("unhandledRejection", (error) => shutdown(1, error));
  return shutdown;
}
