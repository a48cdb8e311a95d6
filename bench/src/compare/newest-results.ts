import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchReport } from '../report/bench-report';

/** A results file and its report. */
export type ResultsFile = {
  readonly path: string;
  readonly report: BenchReport;
};

function dateOf(report: BenchReport, path: string): number {
  const parsed = Date.parse(report.machine?.date ?? '');
  return Number.isFinite(parsed) ? parsed : statSync(path).mtimeMs;
}

/**
 * Reads a bench results file (`pnpm bench --json FILE`).
 *
 * @param path the file.
 * @returns the report.
 * @throws Error naming the file when it is not a bench report.
 * @example const { report } = readResultsFile('bench/results/2026-11-29.json');
 */
export function readResultsFile(path: string): ResultsFile {
  let report: BenchReport;
  try {
    report = JSON.parse(readFileSync(path, 'utf8')) as BenchReport;
  } catch (error) {
    throw new Error(
      `${path} is not readable JSON (${error instanceof Error ? error.message : String(error)}): pass a file written by pnpm bench --json.`,
    );
  }
  if (!Array.isArray(report.results) || typeof report.matMulCeilings !== 'object') {
    throw new Error(
      `${path} is not a bench report (no results or matMulCeilings): pass a file written by pnpm bench --json.`,
    );
  }
  return { path, report };
}

/**
 * The newest bench results in a folder: among its `*.json` reports that measured at least one
 * workload with a matMul ceiling, the one whose run date (`machine.date`, else the file's time) is
 * latest. These are the last committed results the comparison measures against.
 *
 * @param directory the results folder (bench/results).
 * @returns the newest results, or undefined when the folder holds none.
 * @example const baseline = newestResults('bench/results');
 */
export function newestResults(directory: string): ResultsFile | undefined {
  let newest: { file: ResultsFile; date: number } | undefined;
  let names: string[];
  try {
    names = readdirSync(directory).filter((name) => name.endsWith('.json'));
  } catch {
    return undefined;
  }
  for (const name of names.sort()) {
    const path = join(directory, name);
    let file: ResultsFile;
    try {
      file = readResultsFile(path);
    } catch {
      continue;
    }
    const measured = file.report.results.some(
      (result) =>
        result.throughput !== undefined && file.report.matMulCeilings[result.backend] !== undefined,
    );
    if (!measured) continue;
    const date = dateOf(file.report, path);
    if (newest === undefined || date >= newest.date) newest = { file, date };
  }
  return newest?.file;
}
