/** Benchmarks report ratios measured in one run, never assertions: the machines are shared. */
export interface BenchRow {
  what: string;
  measured: string;
  budget: string;
  met: boolean;
}

export function printReport(title: string, rows: BenchRow[]) {
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
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

export function fmt(n: number, digits = 2): string {
  return n.toLocaleString("en", { maximumFractionDigits: digits });
}
