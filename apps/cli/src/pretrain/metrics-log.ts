import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomically } from '../io/atomic-write';

/** One line of `metrics.jsonl`: the state after a pretraining step. */
export type StepMetrics = {
  /** Steps done (1-based). */
  readonly step: number;
  readonly loss: number;
  readonly learningRate: number;
  readonly gradientNorm: number;
  readonly elapsedSeconds: number;
  readonly examplesPerSecond?: number;
  /** The objective's own metrics (e.g. `accuracy`). */
  readonly [metric: string]: number | undefined;
};

/** The per-step metrics of a run, kept by step (a resumed run overwrites the steps it redoes). */
export type MetricsLog = {
  add(metrics: StepMetrics): void;
  /** The records in step order. */
  records(): StepMetrics[];
  /** Writes `metrics.jsonl` and `metrics.csv` atomically. */
  flush(): Promise<void>;
};

/**
 * The metrics log of a run directory: reads an earlier `metrics.jsonl` (when resuming) and
 * rewrites `metrics.jsonl` (one JSON object per step) and `metrics.csv` atomically on `flush`.
 *
 * @param jsonlPath the `metrics.jsonl` path.
 * @param csvPath the `metrics.csv` path.
 * @returns the log.
 * @example const log = openMetricsLog('runs/a/metrics.jsonl', 'runs/a/metrics.csv');
 */
export function openMetricsLog(jsonlPath: string, csvPath: string): MetricsLog {
  const byStep = new Map<number, StepMetrics>();
  if (existsSync(jsonlPath)) {
    for (const line of readFileSync(jsonlPath, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const record = JSON.parse(line) as StepMetrics;
      byStep.set(record.step, record);
    }
  }
  const records = (): StepMetrics[] => [...byStep.values()].sort((a, b) => a.step - b.step);
  return {
    add: (metrics) => {
      byStep.set(metrics.step, metrics);
    },
    records,
    flush: async () => {
      const all = records();
      await writeFileAtomically(
        jsonlPath,
        all.map((record) => `${JSON.stringify(record)}\n`).join(''),
      );
      const columns = [...new Set(all.flatMap((record) => Object.keys(record)))];
      const rows = all.map((record) =>
        columns
          .map((column) => (record[column] === undefined ? '' : String(record[column])))
          .join(','),
      );
      await writeFileAtomically(csvPath, `${[columns.join(','), ...rows].join('\n')}\n`);
    },
  };
}
