import { createExchangeBuffers, initBackend, SharedMemoryGroup } from '@selfsup/core';
import { computeOnBackends, expectNoTensorLeak, expectTensorsClose } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ntXentLoss } from './nt-xent-loss';

/** NT-Xent in plain JS, straight from the paper's formula. */
function referenceLoss(rows: number[][], temperature: number): number {
  const unit = rows.map((row) => {
    const norm = Math.hypot(...row);
    return row.map((value) => value / norm);
  });
  const similarity = (a: number[], b: number[]) =>
    a.reduce((sum, value, k) => sum + value * b[k]!, 0);
  const half = rows.length / 2;
  let total = 0;
  for (let i = 0; i < rows.length; i++) {
    const positive = (i + half) % rows.length;
    let denominator = 0;
    for (let k = 0; k < rows.length; k++) {
      if (k !== i) denominator += Math.exp(similarity(unit[i]!, unit[k]!) / temperature);
    }
    total += -Math.log(Math.exp(similarity(unit[i]!, unit[positive]!) / temperature) / denominator);
  }
  return total / rows.length;
}

const rows = [
  [1, 0.2, -0.5],
  [0.1, 1, 0.3],
  [-0.7, 0.4, 1],
  [0.9, 0.1, -0.4],
  [0.2, 0.8, 0.5],
  [-0.5, 0.3, 0.9],
];

describe('ntXentLoss', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('equals the paper formula computed by hand, for two temperatures', () => {
    for (const temperature of [0.5, 0.1]) {
      const { loss, accuracy } = ntXentLoss(tf.tensor2d(rows), temperature);
      expect(loss.dataSync()[0]).toBeCloseTo(referenceLoss(rows, temperature), 4);
      // Rows 0/3, 1/4 and 2/5 are near-duplicates: every positive ranks first.
      expect(accuracy.dataSync()[0]).toBe(1);
      tf.dispose([loss, accuracy]);
    }
  });

  it('has the same gradient on wasm as on cpu, and leaks nothing', async () => {
    const { reference, actual } = await computeOnBackends(() => {
      const input = tf.tensor2d(rows);
      return tf.grad((x: tf.Tensor) => ntXentLoss(x as tf.Tensor2D, 0.5).loss)(input);
    });
    expectTensorsClose(actual[0]!, reference[0]!);
    const input = tf.tensor2d(rows);
    await expectNoTensorLeak(() => {
      const { loss, accuracy } = ntXentLoss(input, 0.5);
      tf.dispose([loss, accuracy]);
    });
    input.dispose();
  });

  it('with a one-worker data-parallel group (gathered negatives) gives the same loss, accuracy and gradient', () => {
    const group = new SharedMemoryGroup(createExchangeBuffers(1, 256), 0, 1);
    const input = tf.tensor2d(rows);
    const run = (withGroup: boolean) =>
      tf.tidy(() => {
        const { value, grad } = tf.valueAndGrad(
          (x: tf.Tensor) => ntXentLoss(x as tf.Tensor2D, 0.5, withGroup ? group : undefined).loss,
        )(input);
        const { accuracy } = ntXentLoss(input, 0.5, withGroup ? group : undefined);
        return [value, grad, accuracy];
      });
    const [plainLoss, plainGradient, plainAccuracy] = run(false);
    const [groupLoss, groupGradient, groupAccuracy] = run(true);
    expectTensorsClose(groupLoss!, plainLoss!);
    expectTensorsClose(groupGradient!, plainGradient!);
    expect(groupAccuracy!.dataSync()[0]).toBe(plainAccuracy!.dataSync()[0]);
    tf.dispose([
      input,
      plainLoss!,
      plainGradient!,
      plainAccuracy!,
      groupLoss!,
      groupGradient!,
      groupAccuracy!,
    ]);
  });

  it('refuses an odd number of rows with the reason', () => {
    const odd = tf.zeros([5, 3]) as tf.Tensor2D;
    expect(() => ntXentLoss(odd)).toThrow(/two views of each example/);
    odd.dispose();
  });
});
