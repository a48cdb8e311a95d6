import { createExchangeBuffers, initBackend, SeededRandom, SharedMemoryGroup } from '@selfsup/core';
import { computeOnBackends, expectNoTensorLeak, expectTensorsClose } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomNormalTensor } from '../measure/random-tensors';
import { ntXentLoss } from './nt-xent-loss';

/** NT-Xent on plain arrays, straight from the SimCLR paper's definition. */
function referenceNtXent(rows: number[][], temperature: number): number {
  const normalized = rows.map((row) => {
    const norm = Math.hypot(...row);
    return row.map((value) => value / norm);
  });
  const count = rows.length;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const positive = (i + count / 2) % count;
    const logits = normalized.map((other, j) =>
      j === i
        ? Number.NEGATIVE_INFINITY
        : other.reduce((sum, value, k) => sum + value * normalized[i]![k]!, 0) / temperature,
    );
    const largest = Math.max(...logits);
    const logSum =
      largest + Math.log(logits.reduce((sum, logit) => sum + Math.exp(logit - largest), 0));
    total += logSum - logits[positive]!;
  }
  return total / count;
}

const projections = (): tf.Tensor2D =>
  randomNormalTensor([6, 4], 1, new SeededRandom(3)) as tf.Tensor2D;

describe('ntXentLoss', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('matches the paper definition (cosine similarity / τ, self excluded, the other view as target)', () => {
    const input = projections();
    const loss = ntXentLoss(input, 0.5);
    const rows = input.arraySync() as number[][];
    expect(loss.dataSync()[0]).toBeCloseTo(referenceNtXent(rows, 0.5), 4);
    tf.dispose([input, loss]);
  });

  it('with a one-worker data-parallel group, gathers its own rows: the same loss and gradient', () => {
    const group = new SharedMemoryGroup(createExchangeBuffers(1, 64), 0, 1);
    const input = projections();
    const [plain, plainGradient] = tf.tidy(() => {
      const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => ntXentLoss(x as tf.Tensor2D, 0.5))(
        input,
      );
      return [value, grad];
    });
    const [grouped, groupedGradient] = tf.tidy(() => {
      const { value, grad } = tf.valueAndGrad((x: tf.Tensor) =>
        ntXentLoss(x as tf.Tensor2D, 0.5, group),
      )(input);
      return [value, grad];
    });
    expectTensorsClose(grouped!, plain!, { label: 'loss' });
    expectTensorsClose(groupedGradient!, plainGradient!, { label: 'gradient' });
    tf.dispose([input, plain!, plainGradient!, grouped!, groupedGradient!]);
  });

  it('gives the same loss and gradient on wasm and cpu', async () => {
    const { reference, actual } = await computeOnBackends(() => {
      const input = projections();
      const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => ntXentLoss(x as tf.Tensor2D, 0.5))(
        input,
      );
      return [value, grad];
    });
    expectTensorsClose(actual[0]!, reference[0]!, { label: 'loss' });
    expectTensorsClose(actual[1]!, reference[1]!, { label: 'gradient' });
  });

  it('leaks no tensors and rejects an odd batch', async () => {
    const input = projections();
    await expectNoTensorLeak(() => ntXentLoss(input, 0.5).dispose());
    const odd = tf.zeros([3, 4]) as tf.Tensor2D;
    expect(() => ntXentLoss(odd, 0.5)).toThrow(/two views per image/);
    tf.dispose([input, odd]);
  });
});
