// Vitest globalSetup of the bench project: starts the run's JSON file fresh (the machine and the
// load it ran under), and prints it once every bench has appended its rows.
import { availableParallelism, loadavg } from "node:os";

import { QUICK, readResults, resultsFile, writeResults } from "./report";

const load = () => loadavg().map((n) => Math.round(n * 100) / 100);

export default function setup(): () => void {
  writeResults({
    startedAt: new Date().toISOString(),
    quick: QUICK,
    node: process.version,
    cpus: availableParallelism(),
    loadAverage: { start: load() },
    sections: [],
  });
  return () => {
    const results = readResults();
    if (!results) return;
    results.loadAverage.end = load();
    writeResults(results);
    console.info(`\nBench results (JSON, also in ${resultsFile()}):\n${JSON.stringify(results, null, 2)}`);
  };
}
