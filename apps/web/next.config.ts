import type { NextConfig } from "next";

import { HSTS_VALUE, STATIC_SECURITY_HEADERS } from "./lib/security/headers";

const staticSecurityHeaders = Object.entries(STATIC_SECURITY_HEADERS).map(([key, value]) => ({ key, value }));

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `pnpm dev` prints and the README uses http://127.0.0.1:3000; let it reach dev resources (HMR).
  allowedDevOrigins: ["127.0.0.1", "localhost"],
  // Workspace packages ship TypeScript sources.
  transpilePackages: ["@repo/usage"],
  // The Postgres driver of raw CSV exports (lib/usage/export-copy.ts) is loaded by Node as it is:
  // bundled, it made `next dev` rebuild and reload every page in a loop.
  serverExternalPackages: ["postgres"],
  experimental: {
    // File uploads go through a server action; the storage bucket allows 50 MB per file.
    serverActions: { bodySizeLimit: "51mb" },
    // app/global-not-found.tsx answers URLs no route matches, rendered per request (CSP nonce, locale).
    globalNotFound: true,
  },
  // The static security headers on every response: the route handlers and files proxy.ts's matcher
  // skips (JSON from /api/v1 and /api/cron, assets) included. Pages also get them, with their
  // per-request CSP, from proxy.ts; the values match, so nothing is sent twice.
  async headers() {
    return [
      { source: "/:path*", headers: staticSecurityHeaders },
      {
        source: "/:path*",
        has: [{ type: "header", key: "x-forwarded-proto", value: "https" }],
        headers: [{ key: "Strict-Transport-Security", value: HSTS_VALUE }],
      },
    ];
  },
};

export default nextConfig;
