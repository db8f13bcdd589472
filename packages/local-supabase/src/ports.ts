import { createServer } from "node:net";

const HOST = "127.0.0.1";

/** Asks the OS for a free loopback port. Another process could take it before we bind; rare enough locally. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("Could not allocate a free port"))));
    });
  });
}

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE" || error.code === "EACCES") resolve(false);
      else reject(error);
    });
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

/** One-line error naming the port and how to get out of the way, instead of a stack trace later on. */
export class PortInUseError extends Error {
  constructor(port: number, envVar: string) {
    super(`Port ${port} is already in use (another "pnpm dev"?). Stop that process or set ${envVar}.`);
    this.name = "PortInUseError";
  }
}

export async function assertPortFree(port: number, envVar: string): Promise<void> {
  if (!(await isPortFree(port))) throw new PortInUseError(port, envVar);
}
