import { initBackend } from '@selfsup/core';
import { computeOnBackends, expectNoTensorLeak, expectTensorsClose } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { clipLoss, l2NormalizeRows } from './clip-loss';

/** −log softmax(values)[index], in float64. */
function crossEntropy(values: readonly number[], index: number): number {
  const top = Math.max(...values);
  const total = values.reduce((sum, value) => sum + Math.exp(value - top), 0);
  return -(values[index]! - top - Math.log(total));
}

describe('clipLoss', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('equals ln N when every similarity is the same', () => {
    for (const count of [2, 5, 16]) {
      const [loss, imageToText] = tf.tidy(() => {
        const same = l2NormalizeRows(tf.ones([count, 8]) as tf.Tensor2D);
        const result = clipLoss(same, same, 14.3);
        return [result.loss.dataSync()[0]!, result.imageToTextAccuracy.dataSync()[0]!];
      });
      expect(loss).toBeCloseTo(Math.log(count), 5);
      // Ties go to the first column: only row 0 is "right".
      expect(imageToText).toBeCloseTo(1 / count, 6);
    }
    // A zero scale flattens any similarities too.
    const flat = tf.tidy(() => {
      const images = l2NormalizeRows(tf.randomNormal([6, 4], 0, 1, 'float32', 1) as tf.Tensor2D);
      const texts = l2NormalizeRows(tf.randomNormal([6, 4], 0, 1, 'float32', 2) as tf.Tensor2D);
      return clipLoss(images, texts, 0).loss.dataSync()[0]!;
    });
    expect(flat).toBeCloseTo(Math.log(6), 5);
  });

  it('matches a hand computation of the symmetric cross-entropy and both accuracies', () => {
    const images = [
      [1, 0],
      [0, 1],
    ];
    const texts = [
      [0.6, 0.8],
      [0, 1],
    ];
    const scale = 2;
    // logits[i][j] = scale · ⟨image i, text j⟩
    const logits = images.map((image) =>
      texts.map((text) => scale * (image[0]! * text[0]! + image[1]! * text[1]!)),
    );
    const columns = [0, 1].map((j) => logits.map((row) => row[j]!));
    const expected =
      ((crossEntropy(logits[0]!, 0) + crossEntropy(logits[1]!, 1)) / 2 +
        (crossEntropy(columns[0]!, 0) + crossEntropy(columns[1]!, 1)) / 2) /
      2;
    const result = tf.tidy(() => {
      const output = clipLoss(tf.tensor2d(images), tf.tensor2d(texts), tf.scalar(scale));
      return [output.loss, output.imageToTextAccuracy, output.textToImageAccuracy].map(
        (value) => value.dataSync()[0]!,
      );
    });
    expect(result[0]).toBeCloseTo(expected, 5);
    // Rows: image 0 → text 0 (0.6 > 0), image 1 → text 1 (1 > 0.8): both right.
    expect(result[1]).toBe(1);
    // Columns: text 0 → image 1 (0.8 > 0.6) wrong, text 1 → image 1 right.
    expect(result[2]).toBe(0.5);
  });

  it('has the gradient of tfjs-cpu on wasm and leaks no tensor', async () => {
    const compute = () => {
      // tidy frees the initial values; variables outlive it.
      const [images, texts, logScale] = tf.tidy(() => [
        tf.variable(tf.randomNormal([5, 3], 0, 1, 'float32', 3)),
        tf.variable(tf.randomNormal([5, 3], 0, 1, 'float32', 4)),
        tf.variable(tf.scalar(Math.log(1 / 0.07))),
      ]) as [tf.Variable, tf.Variable, tf.Variable];
      const { value, grads } = tf.variableGrads(
        () =>
          clipLoss(
            l2NormalizeRows(images as tf.Tensor2D),
            l2NormalizeRows(texts as tf.Tensor2D),
            tf.exp(logScale) as tf.Scalar,
          ).loss,
        [images, texts, logScale],
      );
      const outputs = [value, ...Object.values(grads)];
      tf.dispose([images, texts, logScale]);
      return outputs;
    };
    const { reference, actual } = await computeOnBackends(compute);
    reference.forEach((expected, index) => {
      expectTensorsClose(actual[index]!, expected, { label: `output ${index}`, rtol: 1e-3 });
    });
    await expectNoTensorLeak(() => tf.dispose(compute()));
  });

  it('refuses unpaired or single-pair batches', () => {
    tf.tidy(() => {
      expect(() => clipLoss(tf.ones([3, 4]), tf.ones([2, 4]), 1)).toThrow(/same shape/);
      expect(() => clipLoss(tf.ones([1, 4]), tf.ones([1, 4]), 1)).toThrow(/at least 2 pairs/);
    });
  });
});
