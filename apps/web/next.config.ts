import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `pnpm dev` prints and the README uses http://127.0.0.1:3000; let it reach dev resources (HMR).
  allowedDevOrigins: ["127.0.0.1", "localhost"],
  // Workspace packages ship TypeScript sources.
  transpilePackages: ["@repo/usage"],
  experimental: {
    // File uploads go through a server action; the storage bucket allows 50 MB per file.
    serverActions: { bodySizeLimit: "51mb" },
  },
};

export default nextConfig;
