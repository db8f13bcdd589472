// One ESLint config for the whole workspace (flat config).
import js from "@eslint/js";
import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";
import globals from "globals";
import tseslint from "typescript-eslint";

const webFiles = ["apps/web/**/*.{ts,tsx}"];

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/.next/**",
      "**/dist/**",
      "**/coverage/**",
      "**/test-results/**",
      "**/playwright-report/**",
      ".data/**",
      "apps/web/next-env.d.ts",
      "apps/web/lib/supabase/database.types.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...[...nextCoreWebVitals, ...nextTypescript].map((config) => ({ ...config, files: webFiles })),
  {
    settings: { next: { rootDir: "apps/web/" } },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-console": ["error", { allow: ["warn", "error", "info"] }],
      eqeqeq: ["error", "smart"],
    },
  },
  {
    files: ["packages/local-supabase/src/cli.ts", "**/*.bench.ts"],
    rules: { "no-console": "off" },
  },
);
