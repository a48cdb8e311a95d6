import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openMetricsLog } from './metrics-log';

describe('openMetricsLog', () => {
  it('writes JSONL and CSV, and a reopened log overwrites the steps a resumed run redoes', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'selfsup-metrics-'));
    const jsonl = join(directory, 'metrics.jsonl');
    const csv = join(directory, 'metrics.csv');
    const record = (step: number, loss: number) => ({
      step,
      loss,
      learningRate: 0.1,
      gradientNorm: 1,
      elapsedSeconds: step,
      accuracy: 0.5,
    });
    const first = openMetricsLog(jsonl, csv);
    for (const step of [1, 2, 3]) first.add(record(step, 10 - step));
    await first.flush();
    const reopened = openMetricsLog(jsonl, csv);
    reopened.add(record(3, 0.5));
    reopened.add(record(4, 0.25));
    await reopened.flush();
    const lines = readFileSync(jsonl, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.step, line.loss])).toEqual([
      [1, 9],
      [2, 8],
      [3, 0.5],
      [4, 0.25],
    ]);
    const table = readFileSync(csv, 'utf8').trim().split('\n');
    expect(table[0]).toBe('step,loss,learningRate,gradientNorm,elapsedSeconds,accuracy');
    expect(table[4]).toBe('4,0.25,0.1,1,4,0.5');
  });
});
