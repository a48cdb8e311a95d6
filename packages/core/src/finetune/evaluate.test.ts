import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { createDenseEncoder, gaussianBlobs, toLabeledData } from './__fixtures__/toy-problems';
import { classificationMetrics } from './classification-metrics';
import { evaluate } from './evaluate';
import { finetune } from './finetune';
import { regressionMetrics } from './regression-metrics';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('classificationMetrics', () => {
  // Worked by hand: true [0,0,1,1,2,2], predicted [0,1,1,1,2,0].
  const labels = [0, 0, 1, 1, 2, 2];
  const predictions = [0, 1, 1, 1, 2, 0];

  it('gives the confusion matrix (rows = true class), accuracy and per-class metrics', () => {
    const report = classificationMetrics({ labels, predictions, numClasses: 3 });
    expect(report.confusionMatrix).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 1],
    ]);
    expect(report.accuracy).toBeCloseTo(4 / 6, 12);
    const [zero, one, two] = report.perClass;
    expect(zero).toMatchObject({ classId: 0, precision: 1 / 2, recall: 1 / 2, support: 2 });
    expect(zero!.f1).toBeCloseTo(0.5, 12);
    expect(one).toMatchObject({ classId: 1, precision: 2 / 3, recall: 1, support: 2 });
    expect(one!.f1).toBeCloseTo(0.8, 12);
    expect(two).toMatchObject({ classId: 2, precision: 1, recall: 1 / 2, support: 2 });
    expect(two!.f1).toBeCloseTo(2 / 3, 12);
    expect(report.macroF1).toBeCloseTo((0.5 + 0.8 + 2 / 3) / 3, 12);
    expect(report.macroPrecision).toBeCloseTo((1 / 2 + 2 / 3 + 1) / 3, 12);
    expect(report.macroRecall).toBeCloseTo((1 / 2 + 1 + 1 / 2) / 3, 12);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('counts top-k hits by rank of the true class', () => {
    const probabilities = [
      [0.5, 0.3, 0.2], // true 0: rank 0
      [0.1, 0.6, 0.3], // true 0: rank 2
      [0.2, 0.5, 0.3], // true 1: rank 0
      [0.4, 0.35, 0.25], // true 1: rank 1
      [0.3, 0.3, 0.4], // true 2: rank 0
      [0.45, 0.1, 0.45], // true 2: tie with class 0, which wins the tie: rank 1
    ].flat();
    const report = classificationMetrics({
      labels,
      predictions,
      numClasses: 3,
      probabilities,
      topK: [1, 2, 3],
    });
    expect(report.topKAccuracy).toEqual([
      { k: 1, accuracy: 3 / 6 },
      { k: 2, accuracy: 5 / 6 },
      { k: 3, accuracy: 1 },
    ]);
  });

  it('scores a never-predicted class 0 and leaves absent classes out of the macro average', () => {
    const report = classificationMetrics({
      labels: [0, 0, 1],
      predictions: [0, 0, 0],
      numClasses: 4,
    });
    expect(report.perClass[1]).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(report.perClass[0]!.f1).toBeCloseTo(0.8, 12);
    expect(report.macroF1).toBeCloseTo(0.4, 12);
  });

  it('rejects mismatched lengths and out-of-range ids', () => {
    expect(() =>
      classificationMetrics({ labels: [0, 1], predictions: [0], numClasses: 2 }),
    ).toThrow(/one prediction per label/);
    expect(() =>
      classificationMetrics({ labels: [0, 2], predictions: [0, 1], numClasses: 2 }),
    ).toThrow(/not a class id/);
  });
});

describe('regressionMetrics', () => {
  it('matches MSE, MAE and R² worked by hand', () => {
    // residuals −0.5, 0, 0.5, −1; ȳ = 2.5, Σ(y − ȳ)² = 5
    const report = regressionMetrics({ targets: [1, 2, 3, 4], predictions: [1.5, 2, 2.5, 5] });
    expect(report.mse).toBeCloseTo(1.5 / 4, 12);
    expect(report.rmse).toBeCloseTo(Math.sqrt(1.5 / 4), 12);
    expect(report.mae).toBeCloseTo(2 / 4, 12);
    expect(report.r2).toBeCloseTo(1 - 1.5 / 5, 12);
  });

  it('averages R² over target columns', () => {
    // column 0 perfect (R² 1), column 1 predicts its mean (R² 0)
    const report = regressionMetrics({
      targets: [1, 0, 2, 2, 3, 4],
      predictions: [1, 2, 2, 2, 3, 2],
      targetSize: 2,
    });
    expect(report.count).toBe(3);
    expect(report.r2).toBeCloseTo(0.5, 12);
  });
});

describe('evaluate', () => {
  it('reports the metrics of the model predictions, in batches, without leaks', async () => {
    const train = toLabeledData(gaussianBlobs(30, 3, 3, 20, 1.5));
    const test = toLabeledData(gaussianBlobs(30, 3, 3, 21, 1.5));
    const encoder = createDenseEncoder(3, [{ units: 4 }], 1);
    const model = await finetune(encoder, train, { epochs: 3, batchSize: 8 });
    await expectNoTensorLeak(async () => {
      const report = await evaluate(model, test, { batchSize: 7, topK: [1, 2] });
      if (report.task !== 'classification') throw new Error('expected a classification report');
      const predictions = await model.predict(test.inputs);
      const expected = classificationMetrics({
        labels: test.labels as Int32Array,
        predictions,
        numClasses: 3,
      });
      expect(report.confusionMatrix).toEqual(expected.confusionMatrix);
      expect(report.macroF1).toBeCloseTo(expected.macroF1, 12);
      expect(report.topKAccuracy![0]!.accuracy).toBeCloseTo(report.accuracy, 12);
      expect(report.count).toBe(30);
    });
    await expect(evaluate(model, { inputs: test.inputs, labels: [0, 1] })).rejects.toThrow(
      /30 inputs but 2 labels/,
    );
    model.dispose();
    encoder.dispose();
    tf.dispose([train.inputs, test.inputs]);
  });
});
