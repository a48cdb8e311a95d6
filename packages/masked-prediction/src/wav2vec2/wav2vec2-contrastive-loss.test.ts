import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleNegatives } from './sample-negatives';
import { wav2vec2ContrastiveLoss } from './wav2vec2-contrastive-loss';

const rows = 10;
const size = 4;

/** Plain-JS eq. 3 of the paper: −log softmax over [positive, kept distractors] of cos/κ. */
function referenceLoss(
  predictions: number[][],
  targets: number[][],
  positions: Int32Array,
  negatives: Int32Array,
  temperature: number,
  keep: (anchor: number, negative: number) => boolean = () => true,
): number {
  const cosine = (a: number[], b: number[]) => {
    const dot = a.reduce((sum, value, index) => sum + value * b[index]!, 0);
    const norm = (x: number[]) => Math.sqrt(x.reduce((sum, value) => sum + value * value, 0));
    return dot / (norm(a) * norm(b));
  };
  const count = negatives.length / positions.length;
  let total = 0;
  positions.forEach((anchor, row) => {
    const logits = [cosine(predictions[anchor]!, targets[anchor]!) / temperature];
    for (let draw = 0; draw < count; draw++) {
      const negative = negatives[row * count + draw]!;
      if (keep(anchor, negative))
        logits.push(cosine(predictions[anchor]!, targets[negative]!) / temperature);
    }
    const maximum = Math.max(...logits);
    const logSum = maximum + Math.log(logits.reduce((sum, l) => sum + Math.exp(l - maximum), 0));
    total += logSum - logits[0]!;
  });
  return total / positions.length;
}

describe('wav2vec2ContrastiveLoss', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  const mask = [0, 1, 1, 1, 0, 1, 1, 0, 1, 1];
  const sampled = sampleNegatives({ mask, batchSize: 2, length: 5, count: 3, seed: 4 });

  it('equals the paper’s loss computed by hand, and removes distractors that share the positive’s codes', () => {
    tf.tidy(() => {
      const predictions = tf.randomNormal([rows, size], 0, 1, 'float32', 1) as tf.Tensor2D;
      const targets = tf.randomNormal([rows, size], 0, 1, 'float32', 2) as tf.Tensor2D;
      const result = wav2vec2ContrastiveLoss({
        predictions,
        targets,
        positions: sampled.positions,
        negatives: sampled.negatives,
        temperature: 0.5,
      });
      const expected = referenceLoss(
        predictions.arraySync(),
        targets.arraySync(),
        sampled.positions,
        sampled.negatives,
        0.5,
      );
      expect(result.loss.dataSync()[0]).toBeCloseTo(expected, 4);
      expect(result.duplicateFraction.dataSync()[0]).toBe(0);
      // Codes: rows 1, 2 and 3 share code (0, 1); every other row has its own.
      const codeValues = Array.from({ length: rows }, (_, row) =>
        row >= 1 && row <= 3 ? [0, 1] : [row, 0],
      );
      const deduplicated = wav2vec2ContrastiveLoss({
        predictions,
        targets,
        codes: tf.tensor2d(codeValues, [rows, 2], 'int32'),
        positions: sampled.positions,
        negatives: sampled.negatives,
        temperature: 0.5,
      });
      const same = (a: number, b: number) =>
        codeValues[a]![0] === codeValues[b]![0] && codeValues[a]![1] === codeValues[b]![1];
      const kept = referenceLoss(
        predictions.arraySync(),
        targets.arraySync(),
        sampled.positions,
        sampled.negatives,
        0.5,
        (anchor, negative) => !same(anchor, negative),
      );
      expect(deduplicated.loss.dataSync()[0]).toBeCloseTo(kept, 3);
      expect(deduplicated.duplicateFraction.dataSync()[0]).toBeGreaterThan(0);
    });
  });

  it('is near zero with accuracy 1 when each context points at its own target', () => {
    tf.tidy(() => {
      const targets = tf.oneHot(tf.range(0, rows, 1, 'int32'), rows).cast('float32') as tf.Tensor2D;
      const result = wav2vec2ContrastiveLoss({
        predictions: targets,
        targets,
        positions: sampled.positions,
        negatives: sampled.negatives,
      });
      expect(result.accuracy.dataSync()[0]).toBe(1);
      expect(result.loss.dataSync()[0]).toBeLessThan(1e-3);
    });
  });

  it('gives gradients to predictions and targets, leaks nothing, explains bad input', async () => {
    const predictions = tf.variable(tf.randomNormal([rows, size], 0, 1, 'float32', 1));
    const targets = tf.variable(tf.randomNormal([rows, size], 0, 1, 'float32', 2));
    await expectNoTensorLeak(() => {
      const { value, grads } = tf.variableGrads(
        () =>
          tf.tidy(
            () =>
              wav2vec2ContrastiveLoss({
                predictions: predictions as tf.Tensor2D,
                targets: targets as tf.Tensor2D,
                positions: sampled.positions,
                negatives: sampled.negatives,
              }).loss,
          ),
        [predictions, targets],
      );
      expect(Object.keys(grads)).toHaveLength(2);
      for (const gradient of Object.values(grads))
        expect(tf.tidy(() => tf.norm(gradient).dataSync()[0])).toBeGreaterThan(0);
      tf.dispose([value, ...Object.values(grads)]);
    });
    expect(() =>
      wav2vec2ContrastiveLoss({
        predictions: predictions as tf.Tensor2D,
        targets: targets as tf.Tensor2D,
        positions: new Int32Array(0),
        negatives: new Int32Array(0),
      }),
    ).toThrow(/no masked frame/);
    expect(() =>
      wav2vec2ContrastiveLoss({
        predictions: predictions as tf.Tensor2D,
        targets: targets as tf.Tensor2D,
        positions: Int32Array.from([1, 2]),
        negatives: Int32Array.from([3, 4, 5]),
      }),
    ).toThrow(/K ≥ 1 rows per anchor/);
    tf.dispose([predictions, targets]);
  });
});
