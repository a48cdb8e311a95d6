import {
  createConvNetEncoder,
  createTransformerEncoder,
  deriveSeed,
  initBackend,
  type LabelEfficiencyContext,
  type LabelEfficiencyRunner,
  labelEfficiency,
  SeededRandom,
  stratifiedSample,
} from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import { imagesToTensor, loadMnist } from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixMatchRunner } from './fix-match-runner';
import { createMixMatchRunner } from './mix-match-runner';
import { createPseudoLabelRunner } from './pseudo-label-runner';
import { createSupervisedRunner } from './supervised-runner';

const range = (start: number, end: number) =>
  Array.from({ length: end - start }, (_, i) => start + i);
const STEPS = Number(process.env.SSL_STEPS ?? 60);

type Data = { inputs: tf.Tensor4D; labels: Int32Array };

/** One cell of a label-efficiency study, built as core's `labelEfficiency` builds it (no validation part). */
function contextFor(pool: Data, test: Data, budget: number, seed: number): LabelEfficiencyContext {
  const labeledIndices = stratifiedSample(pool.labels, budget, { numClasses: 10, seed });
  const labeled = {
    inputs: tf.tidy(() => tf.gather(pool.inputs, tf.tensor1d(labeledIndices, 'int32'))),
    labels: Int32Array.from(labeledIndices, (index) => pool.labels[index]!),
  };
  return {
    mode: 'full',
    budget,
    labelCount: budget,
    seed,
    finetuneSeed: deriveSeed(seed, 1),
    encoderSeed: deriveSeed(seed, 2),
    numClasses: 10,
    train: labeled,
    validation: undefined,
    labeled,
    labeledIndices,
    pool,
    test,
    recipe: { epochs: 1, minimumSteps: STEPS, batchSize: 16 },
  };
}

describe('supervised and semi-supervised runners on MNIST', () => {
  let pool: Data;
  let test: Data;
  let context: LabelEfficiencyContext;

  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    const mnist = loadMnist('train');
    const mnistTest = loadMnist('test');
    pool = {
      inputs: imagesToTensor(mnist, range(0, 1000)),
      labels: Int32Array.from(mnist.labels.subarray(0, 1000)),
    };
    test = {
      inputs: imagesToTensor(mnistTest, range(0, 300)),
      labels: Int32Array.from(mnistTest.labels.subarray(0, 300)),
    };
    context = contextFor(pool, test, 20, 0);
  });

  afterAll(() => {
    tf.dispose([pool.inputs, test.inputs, context.labeled.inputs]);
  });

  const createEncoder = (seed: number) =>
    createConvNetEncoder({ channels: [8, 16], outputSize: 32, seed });
  const common = { createEncoder, steps: STEPS, batchSize: 16 };
  const runners: LabelEfficiencyRunner[] = [
    createSupervisedRunner({ createEncoder }),
    createPseudoLabelRunner({ ...common }),
    createFixMatchRunner({ ...common }),
    createMixMatchRunner({ ...common }),
  ];
  for (const runner of runners) {
    it(`${runner.name} beats chance clearly with 20 labels, without leaks`, async () => {
      await expectNoTensorLeak(async () => {
        const started = Date.now();
        const result = await runner.run(context);
        console.log(runner.name, JSON.stringify(result.metrics), (Date.now() - started) / 1000);
        // Chance is 10%; these tiny runs reach ~50–60% (measured).
        expect(result.metrics.accuracy).toBeGreaterThan(0.3);
        expect(result.metrics.macroF1).toBeGreaterThan(0.2);
      });
    });
  }

  it('stops at the wall-clock cap and reports the steps it trained', async () => {
    const capped = createPseudoLabelRunner({
      createEncoder,
      batchSize: 8,
      steps: 100_000,
      maxSeconds: 0.5,
    });
    await expectNoTensorLeak(async () => {
      const result = await capped.run(context);
      expect(result.metrics.steps).toBeGreaterThan(0);
      expect(result.metrics.steps).toBeLessThan(100_000);
    });
  });

  it('names bad options and a modality the default augmentations cannot handle', async () => {
    expect(() => createFixMatchRunner({ createEncoder, threshold: 2 })).toThrow(
      /threshold τ is a probability/,
    );
    expect(() => createMixMatchRunner({ createEncoder, augmentations: 0 })).toThrow(
      /augmentations \(K\)/,
    );
    expect(() => createPseudoLabelRunner({ createEncoder, rampUp: [0.8, 0.2] })).toThrow(/rampUp/);
    await expect(createFixMatchRunner({ createEncoder, steps: 0 }).run(context)).rejects.toThrow(
      /steps must be an integer/,
    );
    const tokens = { inputs: tf.zeros([4, 8], 'int32'), labels: Int32Array.from([0, 1, 0, 1]) };
    const textEncoder = (seed: number) =>
      createTransformerEncoder({
        vocabularySize: 4,
        maxLength: 8,
        embeddingSize: 8,
        layers: 1,
        heads: 1,
        seed,
      });
    await expect(
      createFixMatchRunner({ createEncoder: textEncoder, steps: 1 }).run({
        ...context,
        numClasses: 2,
        train: tokens,
        labeled: tokens,
        pool: tokens,
        test: tokens,
      }),
    ).rejects.toThrow(/no image augmentation for text/);
    tokens.inputs.dispose();
  });

  it('composes with core labelEfficiency (3 seeds, validation part, early stopping) without leaks', async () => {
    const tiny = { createEncoder, batchSize: 8, evaluateEvery: 2, patience: 1 } as const;
    await expectNoTensorLeak(async () => {
      const study = await labelEfficiency({
        train: pool,
        test,
        numClasses: 10,
        budgets: [50],
        seeds: [0, 1, 2],
        recipe: { epochs: 1 },
        minimumSteps: 0,
        runners: [
          createPseudoLabelRunner({ ...tiny, steps: 4 }),
          createFixMatchRunner({ ...tiny, steps: 4 }),
          createMixMatchRunner({ ...tiny, steps: 4 }),
        ],
      });
      expect(study.rows).toHaveLength(9);
      for (const row of study.rows) {
        expect(Number.isFinite(row.accuracy)).toBe(true);
        // 5 labels per class leave a validation part: the best measurement is recorded.
        expect(row.bestEpoch).not.toBeNull();
        expect(row.metrics.steps).toBeGreaterThanOrEqual(2);
        expect(row.metrics.steps).toBeLessThanOrEqual(4);
      }
      expect(study.summary.map((line) => line.runner)).toContain('fixmatch');
    });
  });

  it('pseudo-labelling also trains on token ids (text), where no image augmentation applies', async () => {
    // Sequences of 8 noise tokens (4–19) with a keyword at up to 3 places: token 2 (class 0) or 3 (class 1).
    const make = (count: number, seed: number): { inputs: tf.Tensor2D; labels: Int32Array } => {
      const random = new SeededRandom(seed);
      const tokens = new Int32Array(count * 8);
      const labels = new Int32Array(count);
      for (let example = 0; example < count; example++) {
        for (let position = 0; position < 8; position++)
          tokens[example * 8 + position] = 4 + random.nextInt(16);
        labels[example] = random.nextInt(2);
        for (let repeat = 0; repeat < 3; repeat++)
          tokens[example * 8 + random.nextInt(8)] = 2 + labels[example]!;
      }
      return { inputs: tf.tensor2d(tokens, [count, 8], 'int32'), labels };
    };
    const textPool = make(300, 1);
    const textTest = make(200, 2);
    const labeledIndices = stratifiedSample(textPool.labels, 20, { numClasses: 2, seed: 0 });
    const labeled = {
      inputs: tf.tidy(() => tf.gather(textPool.inputs, tf.tensor1d(labeledIndices, 'int32'))),
      labels: Int32Array.from(labeledIndices, (index) => textPool.labels[index]!),
    };
    const runner = createPseudoLabelRunner({
      createEncoder: (seed) =>
        createTransformerEncoder({
          vocabularySize: 20,
          maxLength: 8,
          embeddingSize: 16,
          layers: 1,
          heads: 2,
          seed,
        }),
      steps: 60,
      batchSize: 16,
      threshold: 0.9,
    });
    await expectNoTensorLeak(async () => {
      const result = await runner.run({
        ...context,
        numClasses: 2,
        budget: 20,
        labelCount: 20,
        train: labeled,
        labeled,
        labeledIndices,
        pool: textPool,
        test: textTest,
      });
      console.log('pseudo-label (text)', JSON.stringify(result.metrics));
      // Chance is 50%.
      expect(result.metrics.accuracy).toBeGreaterThan(0.8);
    });
    tf.dispose([textPool.inputs, textTest.inputs, labeled.inputs]);
  });
});
