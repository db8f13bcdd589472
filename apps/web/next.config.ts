import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Workspace packages ship TypeScript sources.
  transpilePackages: ["@repo/usage"],
  experimental: {
    // File uploads go through a server action; the storage bucket allows 50 MB per file.
    serverActions: { bodySizeLimit: "51mb" },
  },
};

export default nextConfig;
