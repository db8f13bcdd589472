import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { storageFailures } from "./errors.ts";

/**
 * Object bytes live at `<root>/<bucket>/<object name>`. Names are checked so that no bucket or key
 * can step outside the root.
 */
export class ObjectFiles {
  constructor(readonly root: string) {}

  bucketDir(bucketId: string): string {
    assertBucketId(bucketId);
    return join(this.root, bucketId);
  }

  pathOf(bucketId: string, name: string): string {
    assertObjectName(name);
    const bucketDir = resolve(this.bucketDir(bucketId));
    const file = resolve(bucketDir, ...name.split("/"));
    if (!file.startsWith(bucketDir + sep)) throw storageFailures.invalidKey(name);
    return file;
  }

  /** Write-then-rename, so a reader never sees half an object. */
  async write(bucketId: string, name: string, data: Buffer): Promise<void> {
    const file = this.pathOf(bucketId, name);
    try {
      await mkdir(dirname(file), { recursive: true });
      const temp = `${file}.${randomBytes(6).toString("hex")}.partial`;
      await writeFile(temp, data);
      await rename(temp, file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A file system cannot hold both "a" and "a/b" the way an object store can.
      if (code === "ENOTDIR" || code === "EISDIR" || code === "EEXIST") {
        throw storageFailures.invalidRequest(
          `The key "${name}" collides with another object's folder or file`,
        );
      }
      throw error;
    }
  }

  async remove(bucketId: string, name: string): Promise<void> {
    await rm(this.pathOf(bucketId, name), { force: true });
  }

  async removeBucket(bucketId: string): Promise<void> {
    await rm(this.bucketDir(bucketId), { recursive: true, force: true });
  }
}

export function assertBucketId(bucketId: string): void {
  if (
    !bucketId ||
    bucketId === "." ||
    bucketId === ".." ||
    /[/\\\0]/.test(bucketId) ||
    bucketId.length > 100
  ) {
    throw storageFailures.invalidRequest(`Bucket name invalid: ${bucketId}`);
  }
}

export function assertObjectName(name: string): void {
  const segments = name.split("/");
  if (
    !name ||
    name.length > 1024 ||
    name.includes("\0") ||
    name.includes("\\") ||
    segments.some((segment) => segment === "" || segment === "." || segment === "..")
  ) {
    throw storageFailures.invalidKey(name);
  }
}
