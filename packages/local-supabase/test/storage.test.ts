import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedInClient, startTestStack, supabaseClient, type TestStack } from "./support/test-stack.ts";

// A private bucket where each user may only touch the folder named after their id: the usual
// Supabase policy shape, decided by RLS on storage.objects.
const MIGRATIONS = {
  "20240101000000_files_bucket.sql": `
    insert into storage.buckets (id, name, public) values ('files', 'files', false);
    insert into storage.buckets (id, name, public, allowed_mime_types, file_size_limit)
      values ('avatars', 'avatars', true, array['image/*'], 1024);

    create policy files_select on storage.objects for select to authenticated
      using (bucket_id = 'files' and (storage.foldername(name))[1] = (select auth.uid())::text);
    create policy files_insert on storage.objects for insert to authenticated
      with check (bucket_id = 'files' and (storage.foldername(name))[1] = (select auth.uid())::text);
    create policy files_update on storage.objects for update to authenticated
      using (bucket_id = 'files' and (storage.foldername(name))[1] = (select auth.uid())::text);
    create policy files_delete on storage.objects for delete to authenticated
      using (bucket_id = 'files' and (storage.foldername(name))[1] = (select auth.uid())::text);
    create policy avatars_insert on storage.objects for insert to authenticated
      with check (bucket_id = 'avatars');
  `,
};

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack(MIGRATIONS);
}, 60_000);

afterAll(async () => {
  await env?.dispose();
});

describe("storage through supabase-js", () => {
  it("uploads, downloads, lists and removes in the own folder", async () => {
    const { client, userId } = await signedInClient(env.stack, "owner@example.com");
    const files = client.storage.from("files");

    const blob = await files.upload(
      `${userId}/reports/q1.csv`,
      new Blob(["a,b\n1,2\n"], { type: "text/csv" }),
    );
    expect(blob.error).toBeNull();
    expect(blob.data?.fullPath).toBe(`files/${userId}/reports/q1.csv`);
    const raw = await files.upload(`${userId}/note.txt`, "hello", { contentType: "text/plain" });
    expect(raw.error).toBeNull();
    expect(existsSync(join(env.dataDir, "storage", "files", userId, "note.txt"))).toBe(true);

    const downloaded = await files.download(`${userId}/reports/q1.csv`);
    expect(downloaded.error).toBeNull();
    expect(await downloaded.data?.text()).toBe("a,b\n1,2\n");
    expect(downloaded.data?.type).toContain("text/csv");

    const top = await files.list(userId);
    expect(top.error).toBeNull();
    expect(top.data?.map((entry) => [entry.name, entry.id === null])).toEqual([
      ["reports", true],
      ["note.txt", false],
    ]);
    const nested = await files.list(`${userId}/reports`);
    expect(nested.data?.map((entry) => entry.name)).toEqual(["q1.csv"]);
    expect(nested.data?.[0]?.metadata).toMatchObject({ size: 8, mimetype: "text/csv" });

    const duplicate = await files.upload(`${userId}/note.txt`, "again");
    expect(duplicate.error).not.toBeNull();
    const upserted = await files.upload(`${userId}/note.txt`, "again", { upsert: true });
    expect(upserted.error).toBeNull();
    expect(await (await files.download(`${userId}/note.txt`)).data?.text()).toBe("again");

    const removed = await files.remove([`${userId}/note.txt`, `${userId}/reports/q1.csv`]);
    expect(removed.error).toBeNull();
    expect(removed.data?.map((object) => object.name).sort()).toEqual([
      `${userId}/note.txt`,
      `${userId}/reports/q1.csv`,
    ]);
    expect(existsSync(join(env.dataDir, "storage", "files", userId, "note.txt"))).toBe(false);
    expect((await files.download(`${userId}/note.txt`)).error).not.toBeNull();
  });

  it("refuses another user's folder: upload 403, and no reading, listing or removing", async () => {
    const owner = await signedInClient(env.stack, "victim@example.com");
    const intruder = await signedInClient(env.stack, "intruder@example.com");
    const path = `${owner.userId}/secret.txt`;
    expect((await owner.client.storage.from("files").upload(path, "secret")).error).toBeNull();

    const upload = await intruder.client.storage.from("files").upload(`${owner.userId}/planted.txt`, "x");
    expect(upload.error).toMatchObject({
      status: 403,
      statusCode: "403",
      message: "new row violates row-level security policy",
    });
    expect(existsSync(join(env.dataDir, "storage", "files", owner.userId, "planted.txt"))).toBe(false);

    const download = await intruder.client.storage.from("files").download(path);
    expect(download.error).toMatchObject({ status: 404, statusCode: "404" });
    expect((await intruder.client.storage.from("files").list(owner.userId)).data).toEqual([]);
    expect((await intruder.client.storage.from("files").remove([path])).data).toEqual([]);
    expect((await owner.client.storage.from("files").download(path)).error).toBeNull();

    const anon = await supabaseClient(env.stack)
      .storage.from("files")
      .upload(`${owner.userId}/anon.txt`, "x");
    expect(anon.error).toMatchObject({ status: 403 });
  });

  it("serves public buckets without a key and enforces bucket limits", async () => {
    const { client, userId } = await signedInClient(env.stack, "public@example.com");
    const avatars = client.storage.from("avatars");
    const png = new Blob([new Uint8Array([137, 80, 78, 71])], { type: "image/png" });
    expect((await avatars.upload(`${userId}.png`, png)).error).toBeNull();

    const url = avatars.getPublicUrl(`${userId}.png`).data.publicUrl;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array([137, 80, 78, 71]));

    const wrongType = await avatars.upload(`${userId}.txt`, "text", { contentType: "text/plain" });
    expect(wrongType.error).toMatchObject({ status: 415 });
    const tooBig = await avatars.upload(
      `${userId}-big.png`,
      new Blob([new Uint8Array(2048)], { type: "image/png" }),
    );
    expect(tooBig.error).toMatchObject({ status: 413 });
  });

  it("creates signed URLs that work without credentials", async () => {
    const { client, userId } = await signedInClient(env.stack, "signer@example.com");
    await client.storage.from("files").upload(`${userId}/shared.txt`, "shared");
    const signed = await client.storage.from("files").createSignedUrl(`${userId}/shared.txt`, 60);
    expect(signed.error).toBeNull();
    const res = await fetch(signed.data?.signedUrl ?? "");
    expect(await res.text()).toBe("shared");
  });

  it("manages buckets with the service role only", async () => {
    const service = supabaseClient(env.stack, env.stack.serviceRoleKey).storage;
    expect((await service.createBucket("exports", { public: false })).error).toBeNull();
    expect((await service.getBucket("exports")).data?.public).toBe(false);
    expect((await service.updateBucket("exports", { public: true })).error).toBeNull();
    expect((await service.listBuckets()).data?.map((bucket) => bucket.id)).toContain("exports");
    expect((await service.deleteBucket("exports")).error).toBeNull();
    expect((await service.getBucket("exports")).error).toMatchObject({ status: 404 });

    const { client } = await signedInClient(env.stack, "bucketeer@example.com");
    expect((await client.storage.createBucket("mine")).error).toMatchObject({ status: 403 });
    expect((await client.storage.listBuckets()).data).toEqual([]);
  });

  it("answers a forged token with an error, not a 5xx", async () => {
    const res = await fetch(`${env.stack.url}/storage/v1/object/files/x.txt`, {
      headers: { apikey: env.stack.anonKey, authorization: "Bearer forged.token.here" },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ statusCode: "403", error: "Unauthorized" });
  });
});
