/**
 * Benchmarks report ratios measured in one run, never assertions: the machines are shared.
 * Each bench prints its rows as a markdown table and appends them to one JSON file, which the
 * bench project's global setup (./results.ts) starts fresh for every run and prints at the end.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export type JsonValue = number | string | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface BenchRow {
  what: string;
  measured: string;
  budget: string;
  met: boolean;
  /** The numbers behind `measured`, for the JSON (times in ms, sizes in bytes, rates per second). */
  raw?: Record<string, JsonValue>;
}

export interface BenchSection {
  title: string;
  /** The data sizes the bench ran with (quick runs shrink them). */
  sizes: Record<string, number>;
  rows: BenchRow[];
}

export interface BenchResults {
  startedAt: string;
  quick: boolean;
  node: string;
  cpus: number;
  /** os.loadavg() when the run started and when it ended: the machines are shared. */
  loadAverage: { start: number[]; end?: number[] };
  sections: BenchSection[];
}

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/** Where the JSON goes: BENCH_RESULTS, else .data/bench/results.json (git-ignored). */
export function resultsFile(): string {
  return resolve(repoRoot, process.env.BENCH_RESULTS || ".data/bench/results.json");
}

/** `pnpm bench --quick` (or BENCH_QUICK=1): every data size shrinks so the run takes minutes. */
export const QUICK = process.env.BENCH_QUICK === "1" || process.env.BENCH_QUICK === "true";

/**
 * A data size: the environment variable when set, else the quick or the full size. Sizes are read
 * once per bench and reported with its results.
 */
export function benchSize(envName: string, full: number, quick: number): number {
  const fromEnv = process.env[envName];
  if (fromEnv !== undefined && fromEnv !== "") {
    const value = Number(fromEnv);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${envName} must be a positive number`);
    return value;
  }
  return QUICK ? quick : full;
}

export function readResults(): BenchResults | null {
  const file = resultsFile();
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, "utf8")) as BenchResults;
}

export function writeResults(results: BenchResults): void {
  const file = resultsFile();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}

/** Prints the rows as a markdown table and appends them to the run's JSON file. */
export function printReport(title: string, rows: BenchRow[], sizes: Record<string, number> = {}) {
  const lines = [
    ``,
    `## ${title}`,
    ``,
    `| what | measured | budget | met |`,
    `| --- | --- | --- | --- |`,
    ...rows.map((r) => `| ${r.what} | ${r.measured} | ${r.budget} | ${r.met ? "yes" : "NO"} |`),
    ``,
  ];
  console.info(lines.join("\n"));

  // Benches run one file at a time (fileParallelism: false), so read-modify-write is safe.
  const results = readResults() ?? {
    startedAt: new Date().toISOString(),
    quick: QUICK,
    node: process.version,
    cpus: 0,
    loadAverage: { start: [] },
    sections: [],
  };
  results.sections.push({ title, sizes, rows });
  writeResults(results);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

export function fmt(n: number, digits = 2): string {
  return n.toLocaleString("en", { maximumFractionDigits: digits });
}

/** Rounds for the JSON: enough digits to compare, not floating-point noise. */
export function round(n: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(n * factor) / factor;
}
