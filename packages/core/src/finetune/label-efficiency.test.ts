import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import {
  createDenseEncoder,
  createXorFeatureEncoder,
  toLabeledData,
  xorClusters,
} from './__fixtures__/toy-problems';
import { createPretrainedRunner, createScratchRunner } from './create-encoder-runner';
import { type LabelEfficiencyResult, labelEfficiency } from './label-efficiency';
import type { LabelEfficiencyContext, LabelEfficiencyRunner } from './label-efficiency-runner';
import type { LabeledData } from './labeled-data';
import { mergeLabelEfficiencyResults } from './merge-label-efficiency-results';

const dimension = 8;
let train: LabeledData;
let test: LabeledData;

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  // XOR of the first two coordinates, hidden among 6 noise coordinates.
  train = toLabeledData(xorClusters(160, 30, dimension));
  test = toLabeledData(xorClusters(120, 31, dimension));
});

afterAll(() => {
  tf.dispose([train.inputs, test.inputs]);
});

const runners = (): LabelEfficiencyRunner[] => [
  createPretrainedRunner(() => createXorFeatureEncoder(dimension), {
    modes: ['linear-probe', 'knn'],
  }),
  createScratchRunner(
    (seed) => createDenseEncoder(dimension, [{ units: 4, activation: 'relu' }], seed),
    {
      overrides: { learningRate: 0.02 },
    },
  ),
];

const study = (
  budgets: number[],
  selectRuns?: (run: number) => boolean,
): Promise<LabelEfficiencyResult> =>
  labelEfficiency({
    ...(selectRuns ? { selectRuns } : {}),
    train,
    test,
    runners: runners(),
    budgets,
    seeds: [0, 1, 2],
    recipe: { epochs: 30, batchSize: 8, learningRate: 0.05, earlyStopping: { patience: 4 } },
    minimumSteps: 45,
  });

describe('labelEfficiency', () => {
  it('shows the pretrained encoder beating scratch at small budgets, with mean ± sample std, deterministically and without leaks', async () => {
    let result: LabelEfficiencyResult | undefined;
    await expectNoTensorLeak(async () => {
      result = await study([8, 20]);
    });
    const { rows, summary } = result!;
    // 2 budgets × 3 seeds × (2 pretrained modes + 1 scratch mode)
    expect(rows).toHaveLength(18);
    const mean = (runner: string, mode: string, budget: number): number =>
      summary.find(
        (entry) =>
          entry.runner === runner &&
          entry.mode === mode &&
          entry.budget === budget &&
          entry.metric === 'accuracy',
      )!.mean;
    expect(mean('pretrained', 'linear-probe', 8)).toBeGreaterThan(
      mean('scratch', 'full', 8) + 0.15,
    );
    expect(mean('pretrained', 'linear-probe', 8)).toBeGreaterThan(0.9);
    for (const entry of summary) {
      const values = rows
        .filter(
          (row) =>
            row.runner === entry.runner && row.mode === entry.mode && row.budget === entry.budget,
        )
        .map((row) => row.metrics[entry.metric]!);
      const average = values.reduce((sum, value) => sum + value, 0) / values.length;
      const sampleVariance =
        values.reduce((sum, value) => sum + (value - average) ** 2, 0) / (values.length - 1);
      expect(entry.n).toBe(3);
      expect(entry.mean).toBeCloseTo(average, 12);
      expect(entry.std).toBeCloseTo(Math.sqrt(sampleVariance), 12);
    }
    // Budget 8 (4 per class) trains a fixed number of epochs, raised from 30 to 45 by minimumSteps
    // (one batch of 8 per epoch); budget 20 (10 per class) early-stops on a validation part.
    expect(
      rows
        .filter((row) => row.budget === 8 && row.mode !== 'knn')
        .every((row) => row.epochsTrained === 45 && row.bestEpoch === null),
    ).toBe(true);
    expect(
      rows
        .filter((row) => row.budget === 20 && row.mode !== 'knn')
        .every((row) => row.bestEpoch !== null),
    ).toBe(true);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    // Deterministic: a second study gives the same rows, whatever the other budgets.
    const again = await study([8]);
    expect(again.rows).toEqual(rows.filter((row) => row.budget === 8));
  });

  it('splits into parts that merge back into the whole study', async () => {
    const whole = await study([8]);
    expect(whole.rows.map((row) => row.run)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const even = await study([8], (run) => run % 2 === 0);
    const odd = await study([8], (run) => run % 2 === 1);
    expect(even.rows.map((row) => row.run)).toEqual([0, 2, 4, 6, 8]);
    expect(mergeLabelEfficiencyResults([odd, even])).toEqual(whole);
    expect(() => mergeLabelEfficiencyResults([whole, even])).toThrow(/Run 0 .* is in two parts/);
    const none = await study([8], () => false);
    expect(none.rows).toEqual([]);
  });

  it('gives every runner the same stratified subset, split, seeds and recipe', async () => {
    const seen: LabelEfficiencyContext[] = [];
    const recorder = (name: string): LabelEfficiencyRunner => ({
      name,
      modes: ['a', 'b'],
      async run(context) {
        seen.push(context);
        return { metrics: { accuracy: context.labelCount / 1000 } };
      },
    });
    const progress: number[] = [];
    const { rows, summary } = await labelEfficiency({
      train,
      test,
      runners: [recorder('first'), recorder('second')],
      budgets: [4, 30, 'all'],
      seeds: [3, 4, 5],
      recipe: { epochs: 7 },
      epochsWithoutValidation: 11,
      onProgress: ({ completed, total }) => progress.push(completed / total),
    });
    expect(rows).toHaveLength(3 * 3 * 4);
    expect(progress.at(-1)).toBe(1);
    const labels = train.labels as Int32Array;
    for (const context of seen) {
      const counts = [0, 0];
      for (const index of context.labeledIndices) counts[labels[index]!]! += 1;
      const expected =
        context.budget === 'all' ? [80, 80] : [context.budget / 2, context.budget / 2];
      expect(counts).toEqual(expected);
      const twin = seen.find(
        (other) =>
          other !== context && other.budget === context.budget && other.seed === context.seed,
      )!;
      expect(twin.labeledIndices).toEqual(context.labeledIndices);
      expect(twin.validation?.labels).toEqual(context.validation?.labels);
      expect(twin.finetuneSeed).toBe(context.finetuneSeed);
      expect(twin.encoderSeed).toBe(context.encoderSeed);
      if (context.budget === 4) {
        expect(context.validation).toBeUndefined();
        expect(context.recipe.epochs).toBe(11);
      } else {
        expect(context.validation!.labels).toHaveLength(context.budget === 'all' ? 32 : 6);
        expect(context.recipe.epochs).toBe(7);
      }
    }
    expect(
      summary.find((entry) => entry.budget === 'all' && entry.metric === 'accuracy'),
    ).toMatchObject({ mean: 0.16, std: 0, n: 3 });
  });

  it('rejects studies that break the protocol', async () => {
    const base = { train, test, runners: runners(), budgets: [10], recipe: {} };
    await expect(labelEfficiency({ ...base, seeds: [0, 1] })).rejects.toThrow(/at least 3 seeds/);
    await expect(labelEfficiency({ ...base, budgets: [1] })).rejects.toThrow(/at least 2/);
    await expect(labelEfficiency({ ...base, budgets: [1000] })).rejects.toThrow(/exceeds the 160/);
    await expect(labelEfficiency({ ...base, recipe: { mode: 'full' } as never })).rejects.toThrow(
      /recipe sets mode/,
    );
    await expect(
      labelEfficiency({ ...base, runners: [runners()[0]!, runners()[0]!] }),
    ).rejects.toThrow(/unique name/);
  });
});
