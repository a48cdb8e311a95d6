import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = resolve(import.meta.dirname, '../scripts/paradigm-grid/run-grid.mjs');
const runs = mkdtempSync(join(tmpdir(), 'selfsup-grid-'));

afterAll(() => rmSync(runs, { recursive: true, force: true }));

type Grid = {
  smoke: boolean;
  datasets: {
    name: string;
    pretraining: { run: string; result: { step: number } }[];
    groups: {
      group: string;
      summary: { runner: string; mode: string; budget: number; mean: number }[];
    }[];
    centralClaim: {
      fewLabels: number;
      allLabels: number;
      bestPretrained: { ratio: number; group: string } | null;
      scratch: { ratio: number; group: string } | null;
    };
    verdicts: { budget: number; selfSupervisionWins: boolean | null; margin: number | null }[];
  }[];
};

describe('scripts/paradigm-grid/run-grid.mjs --smoke (the issue-8 grid through the built CLI)', () => {
  it('pretrains every method of MNIST and SpamAssassin, compares every group and reports the central claim', async () => {
    await run(process.execPath, [script, '--smoke', '--runs', runs], { maxBuffer: 16 << 20 });
    const grid = JSON.parse(readFileSync(join(runs, 'paradigm-grid.json'), 'utf8')) as Grid;
    expect(grid.smoke).toBe(true);
    expect(grid.datasets.map((dataset) => dataset.name)).toEqual(['mnist', 'spam-assassin']);
    const [mnist, spam] = grid.datasets;
    expect(mnist?.pretraining.map((entry) => entry.run)).toEqual([
      'rotation',
      'simclr',
      'moco',
      'mae',
    ]);
    for (const entry of mnist?.pretraining ?? []) expect(entry.result.step).toBe(3);
    expect(mnist?.groups.map((group) => group.group)).toEqual([
      'conv-net',
      'conv-net-baselines',
      'vit',
    ]);
    const runners = new Set(
      mnist?.groups.flatMap((group) => group.summary.map((row) => row.runner)),
    );
    for (const runner of [
      'rotation-prediction',
      'simclr',
      'moco',
      'mae',
      'scratch',
      'pca',
      'k-means',
    ])
      expect(runners.has(runner), runner).toBe(true);
    // The text half: BERT and word2vec on the unlabeled training bodies, each compared on e-mails.
    expect(spam?.pretraining.map((entry) => entry.run)).toEqual(['bert', 'word2vec']);
    expect(spam?.groups.map((group) => group.group)).toEqual(['transformer', 'word-vectors']);
    const textRunners = new Set(
      spam?.groups.flatMap((group) => group.summary.map((row) => `${row.runner} ${row.mode}`)),
    );
    for (const cell of [
      'bert-mlm linear-probe',
      'bert-mlm full',
      'word2vec linear-probe',
      'word2vec full',
      'scratch full',
      'pca linear-probe',
      'k-means cluster-then-label',
    ])
      expect(textRunners.has(cell), cell).toBe(true);
    for (const dataset of [mnist, spam]) {
      for (const row of dataset?.groups.flatMap((group) => group.summary) ?? []) {
        expect(row.mean).toBeGreaterThanOrEqual(0);
        expect(row.mean).toBeLessThanOrEqual(1);
      }
      expect(dataset?.centralClaim).toMatchObject({ fewLabels: 10, allLabels: 40 });
      expect(dataset?.centralClaim.bestPretrained?.ratio).toBeGreaterThan(0);
      expect(dataset?.centralClaim.scratch?.ratio).toBeGreaterThan(0);
      // Scratch is the same architecture as the best pretrained encoder.
      expect(dataset?.centralClaim.scratch?.group).toBe(
        dataset?.centralClaim.bestPretrained?.group,
      );
      // Per budget: does the best pretrained runner beat every other paradigm's best?
      expect(dataset?.verdicts.map((verdict) => verdict.budget)).toEqual([10, 40]);
      for (const verdict of dataset?.verdicts ?? [])
        expect(verdict.selfSupervisionWins).toBe((verdict.margin ?? 0) > 0);
    }
  }, 1_200_000); // Eleven CLI runs: minutes on an idle 2-core machine, more under load.
});
