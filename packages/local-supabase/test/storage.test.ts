import { existsSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signJwt } from "../src/jwt.ts";
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
  // A quota a project enforces in the database: only the real write knows the object's size (the
  // rolled-back check when an upload URL is signed does not), and a name rule that applies at once.
  "20240101000001_storage_rules.sql": `
    create function public.enforce_storage_rules() returns trigger language plpgsql as $$
    begin
      if new.name like '%/quota/%' and (new.metadata ->> 'size')::bigint > 16 then
        raise exception 'Storage quota exceeded: % is % bytes', new.name, new.metadata ->> 'size'
          using errcode = 'PT402';
      end if;
      if storage.filename(new.name) like 'blocked-%' then
        raise exception 'File name % is blocked', storage.filename(new.name);
      end if;
      return new;
    end
    $$;
    create trigger enforce_storage_rules before insert on storage.objects
      for each row execute function public.enforce_storage_rules();
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

describe("signed upload URLs through supabase-js", () => {
  let sql: postgres.Sql;
  beforeAll(() => {
    sql = postgres(env.stack.dbUrl, { max: 1, onnotice: () => undefined });
  });
  afterAll(async () => {
    await sql?.end();
  });

  const objectRows = (bucketId: string, name: string) =>
    sql<{ owner: string | null; owner_id: string | null; size: string | null }[]>`
      select owner::text, owner_id, metadata ->> 'size' as size
      from storage.objects where bucket_id = ${bucketId} and name = ${name}
    `;
  const fileOnDisk = (bucketId: string, name: string) =>
    existsSync(join(env.dataDir, "storage", bucketId, ...name.split("/")));
  const claimsOf = (token: string): Record<string, unknown> =>
    JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<
      string,
      unknown
    >;
  const uploadToken = (claims: Record<string, unknown>) => signJwt(claims, env.stack.jwtSecret);

  it("signs a URL for an allowed path, uploads through it as the signer, and downloads the bytes", async () => {
    const { client, userId } = await signedInClient(env.stack, "signed-upload@example.com");
    const files = client.storage.from("files");
    const path = `${userId}/signed/report.txt`;

    const signed = await files.createSignedUploadUrl(path);
    expect(signed.error).toBeNull();
    const token = signed.data?.token ?? "";
    expect(signed.data).toEqual({
      signedUrl: `${env.stack.url}/storage/v1/object/upload/sign/files/${path}?token=${token}`,
      path,
      token,
    });
    const claims = claimsOf(token);
    expect(claims).toEqual({
      owner: userId,
      url: `files/${path}`,
      upsert: false,
      scope: "upload",
      iat: expect.any(Number),
      exp: Number(claims.iat) + 2 * 60 * 60,
    });
    // Signing checked the insert in a transaction that was rolled back: nothing is there yet.
    expect(await objectRows("files", path)).toEqual([]);
    expect(fileOnDisk("files", path)).toBe(false);

    const uploaded = await files.uploadToSignedUrl(
      path,
      token,
      new Blob(["signed bytes"], { type: "text/plain" }),
    );
    expect(uploaded.error).toBeNull();
    expect(uploaded.data).toEqual({ path, fullPath: `files/${path}` });
    const downloaded = await files.download(path);
    expect(downloaded.error).toBeNull();
    expect(await downloaded.data?.text()).toBe("signed bytes");
    expect(downloaded.data?.type).toContain("text/plain");
    expect(await objectRows("files", path)).toEqual([{ owner: userId, owner_id: userId, size: "12" }]);

    // A non-upsert token cannot replace the object, whatever the request's own x-upsert says.
    const again = await files.uploadToSignedUrl(path, token, "again", { upsert: true });
    expect(again.error).toMatchObject({
      status: 409,
      statusCode: "409",
      message: "The resource already exists",
    });
    expect(await (await files.download(path)).data?.text()).toBe("signed bytes");

    // An upsert URL replaces it, and needs no credentials to use: the raw answer is `{ Key }`.
    const upsertUrl = await files.createSignedUploadUrl(path, { upsert: true });
    expect(upsertUrl.error).toBeNull();
    expect(claimsOf(upsertUrl.data?.token ?? "")).toMatchObject({ owner: userId, upsert: true });
    const res = await fetch(upsertUrl.data?.signedUrl ?? "", {
      method: "PUT",
      headers: { "content-type": "text/plain", "x-upsert": "false" },
      body: "replaced",
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ Key: `files/${path}` });
    expect(await (await files.download(path)).data?.text()).toBe("replaced");
    expect(await objectRows("files", path)).toEqual([{ owner: userId, owner_id: userId, size: "8" }]);

    // A server (service role) signs for a path; an anonymous browser uploads through it. The upload
    // is not re-checked against the policies, and the token, carrying no user, sets no owner.
    const service = supabaseClient(env.stack, env.stack.serviceRoleKey).storage.from("files");
    const fromServer = `${userId}/from-server.txt`;
    const serverUrl = await service.createSignedUploadUrl(fromServer);
    expect(serverUrl.error).toBeNull();
    expect(claimsOf(serverUrl.data?.token ?? "")).not.toHaveProperty("owner");
    const anonUpload = await supabaseClient(env.stack)
      .storage.from("files")
      .uploadToSignedUrl(fromServer, serverUrl.data?.token ?? "", "via server");
    expect(anonUpload.error).toBeNull();
    expect(await objectRows("files", fromServer)).toEqual([{ owner: null, owner_id: null, size: "10" }]);
    expect(await (await files.download(fromServer)).data?.text()).toBe("via server");

    // The raw sign answer, as storage-api sends it.
    const raw = await fetch(`${env.stack.url}/storage/v1/object/upload/sign/files/${userId}/raw.txt`, {
      method: "POST",
      headers: {
        apikey: env.stack.anonKey,
        authorization: `Bearer ${(await client.auth.getSession()).data.session?.access_token}`,
        "content-type": "application/json",
      },
      body: "{}",
    });
    expect(raw.status).toBe(200);
    const body = (await raw.json()) as { url: string; token: string };
    expect(body).toEqual({
      url: `/object/upload/sign/files/${userId}/raw.txt?token=${body.token}`,
      token: expect.any(String),
    });
  });

  it("refuses to sign a path the caller's policy does not let it insert", async () => {
    const owner = await signedInClient(env.stack, "signed-victim@example.com");
    const intruder = await signedInClient(env.stack, "signed-intruder@example.com");
    const path = `${owner.userId}/planted.txt`;

    const refused = await intruder.client.storage.from("files").createSignedUploadUrl(path);
    expect(refused.data).toBeNull();
    expect(refused.error).toMatchObject({
      status: 403,
      statusCode: "403",
      message: "new row violates row-level security policy",
    });
    const anon = await supabaseClient(env.stack).storage.from("files").createSignedUploadUrl(path);
    expect(anon.error).toMatchObject({ status: 403, statusCode: "403" });
    // An upsert URL is checked the same way.
    const upsert = await intruder.client.storage.from("files").createSignedUploadUrl(path, { upsert: true });
    expect(upsert.error).toMatchObject({ status: 403, statusCode: "403" });

    // The owner may; and a URL for an object that already exists is refused unless it is an upsert.
    expect((await owner.client.storage.from("files").upload(path, "mine")).error).toBeNull();
    const taken = await owner.client.storage.from("files").createSignedUploadUrl(path);
    expect(taken.error).toMatchObject({ status: 409, statusCode: "409" });
    expect(
      (await owner.client.storage.from("files").createSignedUploadUrl(path, { upsert: true })).error,
    ).toBeNull();
  });

  it("accepts a token only for its own path, unexpired, untampered and scoped for upload", async () => {
    const { client, userId } = await signedInClient(env.stack, "signed-tokens@example.com");
    const files = client.storage.from("files");
    const path = `${userId}/a.txt`;
    const other = `${userId}/b.txt`;
    const signed = await files.createSignedUploadUrl(path);
    const token = signed.data?.token ?? "";
    const now = Math.floor(Date.now() / 1000);

    const wrongPath = await files.uploadToSignedUrl(other, token, "x");
    expect(wrongPath.error).toMatchObject({ status: 400, statusCode: "400", message: "Invalid signature" });

    const expired = uploadToken({
      owner: userId,
      url: `files/${path}`,
      upsert: false,
      scope: "upload",
      iat: now - 7300,
      exp: now - 100,
    });
    expect((await files.uploadToSignedUrl(path, expired, "x")).error).toMatchObject({
      status: 400,
      statusCode: "400",
      message: '"exp" claim timestamp check failed',
    });

    // The signature of the real token over a payload naming the other path.
    const [header, , signature] = token.split(".");
    const forgedPayload = Buffer.from(JSON.stringify({ ...claimsOf(token), url: `files/${other}` })).toString(
      "base64url",
    );
    const tampered = `${header}.${forgedPayload}.${signature}`;
    expect((await files.uploadToSignedUrl(other, tampered, "x")).error).toMatchObject({
      status: 400,
      statusCode: "400",
      message: "signature verification failed",
    });

    // Signed with another secret.
    const foreign = signJwt({ ...claimsOf(token) }, "some-other-secret-at-least-32-characters-long");
    expect((await files.uploadToSignedUrl(path, foreign, "x")).error).toMatchObject({ status: 400 });

    // A download token for the same path is not an upload token.
    const download = uploadToken({ url: `files/${path}`, scope: "download", iat: now, exp: now + 60 });
    expect((await files.uploadToSignedUrl(path, download, "x")).error).toMatchObject({
      status: 400,
      message: "Token is not scoped for upload",
    });

    const missing = await fetch(`${env.stack.url}/storage/v1/object/upload/sign/files/${path}`, {
      method: "PUT",
      body: "x",
    });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ statusCode: "400" });

    expect(fileOnDisk("files", path)).toBe(false);
    expect(fileOnDisk("files", other)).toBe(false);
    expect(await objectRows("files", other)).toEqual([]);

    // The genuine token still works; and an upload token does not download.
    expect((await files.uploadToSignedUrl(path, token, "genuine")).error).toBeNull();
    const asDownload = await fetch(`${env.stack.url}/storage/v1/object/sign/files/${path}?token=${token}`);
    expect(asDownload.status).toBe(400);
    expect(await asDownload.json()).toMatchObject({ message: "Token is not scoped for download" });
    const shared = await files.createSignedUrl(path, 60);
    expect(await (await fetch(shared.data?.signedUrl ?? "")).text()).toBe("genuine");
  });

  it("applies the bucket's size and mime type limits to signed uploads", async () => {
    const { client, userId } = await signedInClient(env.stack, "signed-limits@example.com");
    const avatars = client.storage.from("avatars");
    const sign = async (name: string) => (await avatars.createSignedUploadUrl(name)).data?.token ?? "";

    const text = `${userId}-signed.txt`;
    const wrongType = await avatars.uploadToSignedUrl(text, await sign(text), "text", {
      contentType: "text/plain",
    });
    expect(wrongType.error).toMatchObject({ status: 415, statusCode: "415" });
    expect(fileOnDisk("avatars", text)).toBe(false);

    const big = `${userId}-signed-big.png`;
    const tooBig = await avatars.uploadToSignedUrl(
      big,
      await sign(big),
      new Blob([new Uint8Array(2048)], { type: "image/png" }),
    );
    expect(tooBig.error).toMatchObject({ status: 413, statusCode: "413" });
    expect(fileOnDisk("avatars", big)).toBe(false);
    expect(await objectRows("avatars", big)).toEqual([]);

    const fits = `${userId}-signed.png`;
    const ok = await avatars.uploadToSignedUrl(
      fits,
      await sign(fits),
      new Blob([new Uint8Array(1024)], { type: "image/png" }),
    );
    expect(ok.error).toBeNull();
    expect(fileOnDisk("avatars", fits)).toBe(true);
  });

  it("answers a trigger's PT402 with 402 and its message, keeping neither row nor file", async () => {
    const { client, userId } = await signedInClient(env.stack, "signed-quota@example.com");
    const files = client.storage.from("files");
    const path = `${userId}/quota/big.bin`;

    const signed = await files.createSignedUploadUrl(path);
    expect(signed.error).toBeNull();
    const refused = await files.uploadToSignedUrl(
      path,
      signed.data?.token ?? "",
      new Blob([new Uint8Array(32)], { type: "application/octet-stream" }),
    );
    expect(refused.error).toMatchObject({
      status: 402,
      statusCode: "402",
      message: `Storage quota exceeded: ${path} is 32 bytes`,
    });
    expect(await objectRows("files", path)).toEqual([]);
    expect(fileOnDisk("files", path)).toBe(false);

    // The same rule through a plain upload; and a small object passes it.
    const plain = await files.upload(path, new Blob([new Uint8Array(32)]));
    expect(plain.error).toMatchObject({ status: 402, statusCode: "402" });
    expect(fileOnDisk("files", path)).toBe(false);
    const small = `${userId}/quota/small.bin`;
    const smallUrl = await files.createSignedUploadUrl(small);
    expect((await files.uploadToSignedUrl(small, smallUrl.data?.token ?? "", "tiny")).error).toBeNull();
    expect(await objectRows("files", small)).toEqual([{ owner: userId, owner_id: userId, size: "4" }]);

    // A plain RAISE (P0001) in the trigger already refuses the signing, as a 400 with its message.
    const blocked = await files.createSignedUploadUrl(`${userId}/blocked-name.txt`);
    expect(blocked.error).toMatchObject({
      status: 400,
      statusCode: "400",
      message: "File name blocked-name.txt is blocked",
    });
  });
});
