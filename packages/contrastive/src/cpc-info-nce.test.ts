import {
  type CollectiveGroup,
  createExchangeBuffers,
  initBackend,
  SharedMemoryGroup,
} from '@selfsup/core';
import { expectNoTensorLeak, expectTensorsClose } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpcInfoNce } from './cpc-info-nce';

/**
 * InfoNCE of eq. 4 written out with plain loops: the reference. Every latent of the batch is a
 * candidate; only the anchors of clips `anchorClips` (default: all) are scored.
 */
function handInfoNce(
  latents: number[][][],
  predictions: number[][][][],
  anchorClips: readonly number[] = latents.map((_, b) => b),
): { lossPerStep: number[]; accuracyPerStep: number[] } {
  const length = latents[0]!.length;
  const steps = predictions[0]![0]!.length;
  const candidates = latents.flat();
  const dot = (a: number[], b: number[]) => a.reduce((sum, value, i) => sum + value * b[i]!, 0);
  const lossPerStep: number[] = [];
  const accuracyPerStep: number[] = [];
  for (let k = 1; k <= steps; k++) {
    let loss = 0;
    let hits = 0;
    let anchors = 0;
    for (const b of anchorClips) {
      for (let t = 0; t + k < length; t++) {
        const scores = candidates.map((z) => dot(z, predictions[b]![t]![k - 1]!));
        const positive = b * length + t + k;
        const logSum = Math.log(scores.reduce((sum, score) => sum + Math.exp(score), 0));
        loss += logSum - scores[positive]!;
        const best = scores.indexOf(Math.max(...scores));
        hits += best === positive ? 1 : 0;
        anchors++;
      }
    }
    lossPerStep.push(loss / anchors);
    accuracyPerStep.push(hits / anchors);
  }
  return { lossPerStep, accuracyPerStep };
}

describe('cpcInfoNce', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('equals InfoNCE computed by hand for every offset, with batch and sequence negatives', async () => {
    const latents = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 7) as tf.Tensor3D;
    const predictions = tf.randomNormal([2, 5, 3, 3], 0, 1, 'float32', 8) as tf.Tensor4D;
    const expected = handInfoNce(
      (await latents.array()) as number[][][],
      (await predictions.array()) as number[][][][],
    );
    const result = cpcInfoNce(latents, predictions);
    const lossPerStep = result.lossPerStep.map((value) => value.dataSync()[0]!);
    const accuracyPerStep = result.accuracyPerStep.map((value) => value.dataSync()[0]!);
    lossPerStep.forEach((value, index) => {
      expect(value).toBeCloseTo(expected.lossPerStep[index]!, 4);
    });
    expect(accuracyPerStep).toEqual(expected.accuracyPerStep.map((value) => Math.fround(value)));
    const meanLoss = expected.lossPerStep.reduce((sum, value) => sum + value, 0) / 3;
    expect(result.loss.dataSync()[0]).toBeCloseTo(meanLoss, 4);
    tf.dispose([latents, predictions, result.loss, result.accuracy]);
    tf.dispose([...result.lossPerStep, ...result.accuracyPerStep]);
  });

  it('across workers scores the latents of every worker: rank 1 of 2 gets the InfoNCE of the whole batch on its own anchors', async () => {
    // Clips 0–1 belong to rank 0, clips 2–3 to rank 1. A stand-in group of size 2 answers rank 1's
    // gather with rank 0's latents first (rank order), as the shared-memory group does.
    const whole = tf.randomNormal([4, 5, 3], 0, 1, 'float32', 11) as tf.Tensor3D;
    const wholePredictions = tf.randomNormal([4, 5, 2, 3], 0, 1, 'float32', 12) as tf.Tensor4D;
    const [rank0Latents, rank1Latents] = tf.split(whole, 2) as [tf.Tensor3D, tf.Tensor3D];
    const rank1Predictions = tf.slice(wholePredictions, [2, 0, 0, 0], [2, -1, -1, -1]);
    const rank0Values = rank0Latents.dataSync() as Float32Array;
    const group: CollectiveGroup = {
      rank: 1,
      size: 2,
      allGather: (values: Float32Array) => {
        const gathered = new Float32Array(rank0Values.length + values.length);
        gathered.set(rank0Values);
        gathered.set(values, rank0Values.length);
        return gathered;
      },
      allReduceSum: (values: Float32Array) => values,
    };
    const expected = handInfoNce(
      (await whole.array()) as number[][][],
      (await wholePredictions.array()) as number[][][][],
      [2, 3],
    );
    const result = cpcInfoNce(rank1Latents, rank1Predictions, group);
    result.lossPerStep.forEach((value, index) => {
      expect(value.dataSync()[0]).toBeCloseTo(expected.lossPerStep[index]!, 4);
    });
    expect(result.accuracyPerStep.map((value) => value.dataSync()[0])).toEqual(
      expected.accuracyPerStep.map((value) => Math.fround(value)),
    );
    tf.dispose([whole, wholePredictions, rank0Latents, rank1Latents, rank1Predictions]);
    tf.dispose([result.loss, result.accuracy, ...result.lossPerStep, ...result.accuracyPerStep]);
  });

  it('with a one-worker data-parallel group gives the same loss, accuracy and gradients', () => {
    const group = new SharedMemoryGroup(createExchangeBuffers(1, 256), 0, 1);
    const latents = tf.randomNormal([2, 6, 4], 0, 1, 'float32', 3) as tf.Tensor3D;
    const predictions = tf.randomNormal([2, 6, 2, 4], 0, 1, 'float32', 4) as tf.Tensor4D;
    const run = (withGroup: boolean) =>
      tf.tidy(() => {
        const { value, grads } = tf.valueAndGrads(
          (z: tf.Tensor, p: tf.Tensor) =>
            cpcInfoNce(z as tf.Tensor3D, p as tf.Tensor4D, withGroup ? group : undefined).loss,
        )([latents, predictions]);
        const { accuracy } = cpcInfoNce(latents, predictions, withGroup ? group : undefined);
        return [value, ...grads, accuracy];
      });
    const plain = run(false);
    const grouped = run(true);
    plain.forEach((tensor, index) => {
      expectTensorsClose(grouped[index]!, tensor);
    });
    tf.dispose([latents, predictions, ...plain, ...grouped]);
  });

  it('reaches accuracy 1 and a loss near 0 when each prediction is a scaled copy of its target', () => {
    // predictions[b, t, k − 1] = 20 · z[b, t + k] (orthonormal latents): the positive wins by far.
    const batch = 2;
    const length = 4;
    const steps = 2;
    const size = batch * length;
    const latents = tf.tidy(() => tf.reshape(tf.eye(size), [batch, length, size]));
    const rows: number[][][][] = [];
    for (let b = 0; b < batch; b++) {
      rows.push(
        Array.from({ length }, (_, t) =>
          Array.from({ length: steps }, (_, k) =>
            Array.from({ length: size }, (_, i) =>
              t + k + 1 < length && i === b * length + t + k + 1 ? 20 : 0,
            ),
          ),
        ),
      );
    }
    const predictions = tf.tensor4d(rows);
    const result = cpcInfoNce(latents as tf.Tensor3D, predictions);
    expect(result.accuracy.dataSync()[0]).toBe(1);
    expect(result.loss.dataSync()[0]).toBeLessThan(1e-6);
    tf.dispose([latents, predictions, result.loss, result.accuracy]);
    tf.dispose([...result.lossPerStep, ...result.accuracyPerStep]);
  });

  it('leaks no tensor (loss and gradients) and names the problem on bad shapes', async () => {
    const latents = tf.variable(tf.randomNormal([2, 6, 4], 0, 1, 'float32', 1));
    const predictions = tf.variable(tf.randomNormal([2, 6, 2, 4], 0, 1, 'float32', 2));
    await expectNoTensorLeak(() => {
      const { value, grads } = tf.variableGrads(
        () =>
          cpcInfoNce(latents as unknown as tf.Tensor3D, predictions as unknown as tf.Tensor4D).loss,
      );
      expect(Number.isFinite(value.dataSync()[0]!)).toBe(true);
      expect(Object.keys(grads)).toHaveLength(2);
      tf.dispose([value, ...Object.values(grads)]);
    });
    const tooShort = tf.zeros([2, 2, 2, 4]) as tf.Tensor4D;
    const shortLatents = tf.zeros([2, 2, 4]) as tf.Tensor3D;
    expect(() => cpcInfoNce(shortLatents, tooShort)).toThrow(/at most K = 1 offsets/);
    const mismatched = tf.zeros([2, 6, 2, 5]) as tf.Tensor4D;
    expect(() => cpcInfoNce(latents as unknown as tf.Tensor3D, mismatched)).toThrow(
      /predictions must be \[B, T, K, D\]/,
    );
    tf.dispose([latents, predictions, tooShort, shortLatents, mismatched]);
  });
});
