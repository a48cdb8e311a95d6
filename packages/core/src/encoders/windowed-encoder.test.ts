import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { saveCheckpoint } from '../checkpoint/save-checkpoint';
import { finetune } from '../finetune/finetune';
import type { ObjectiveV1 } from '../spec/objective-v1';
import { expectTensorsClose } from '../test/compare-tensors';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { cloneEncoder, createEncoder } from './create-encoder';
import { encode } from './encode';
import { loadEncoder } from './load-encoder';
import { createTransformerEncoder } from './transformer-encoder';
import { createWindowedEncoder, WindowedEncoder } from './windowed-encoder';

const padding = 0;
const windowLength = 5;
const transformer = {
  vocabularySize: 17,
  maxLength: windowLength,
  embeddingSize: 8,
  layers: 1,
  heads: 2,
  paddingId: padding,
  seed: 4,
} as const;

/** Three windows of 5 ids: [1 2 3 4 5], [6 7 8 0 0], then [0 …] (empty) for the first row. */
const rows = [
  [1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0],
  [9, 10, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  [12, 13, 14, 15, 16, 1, 2, 3, 4, 5, 6, 7, 0, 0, 0],
  [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
];

function windowedOf(windows = 3): WindowedEncoder {
  return createWindowedEncoder(createTransformerEncoder(transformer), {
    windows,
    windowLength,
    paddingId: padding,
  });
}

describe('WindowedEncoder', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it("pools the mean of the non-empty windows' features, each window encoded alone", () => {
    const windowed = windowedOf();
    const window = (ids: number[]) =>
      windowed.windowEncoder.doEncode(tf.tensor2d([ids], [1, windowLength], 'int32'), {
        training: false,
      });
    tf.tidy(() => {
      const input = tf.tensor2d(rows, [4, 15], 'int32');
      const pooled = windowed.doEncode(input, { training: false });
      expect(pooled.shape).toEqual([4, 8]);
      const expected = tf.concat([
        tf.add(window([1, 2, 3, 4, 5]), window([6, 7, 8, 0, 0])).div(2),
        window([9, 10, 11, 0, 0]),
        tf
          .addN([window([12, 13, 14, 15, 16]), window([1, 2, 3, 4, 5]), window([6, 7, 0, 0, 0])])
          .div(3),
        // A row of padding only reads its first window (the wrapped encoder pools it to zeros).
        window([0, 0, 0, 0, 0]),
      ]);
      expectTensorsClose(pooled, expected, { label: 'mean over windows' });
      // encode() batches rows, and the result does not depend on the batch.
      expectTensorsClose(encode(windowed, input, { batchSize: 3 }), expected, { label: 'encode' });
    });
    windowed.dispose();
  });

  it('with one window is the wrapped encoder itself', () => {
    const windowed = windowedOf(1);
    tf.tidy(() => {
      const input = tf.tensor2d([rows[0]!.slice(0, 5), rows[1]!.slice(0, 5)], [2, 5], 'int32');
      expectTensorsClose(
        windowed.doEncode(input, { training: false }),
        windowed.windowEncoder.doEncode(input, { training: false }),
      );
    });
    windowed.dispose();
  });

  it('trains the wrapped weights under full finetuning, without leaks', async () => {
    const windowed = windowedOf();
    const before = windowed.windowEncoder.model
      .getWeights()
      .map((weight) => weight.dataSync().slice());
    const inputs = tf.tensor2d([...rows, ...rows], [8, 15], 'int32');
    const data = { inputs, labels: [0, 1, 1, 0, 0, 1, 1, 0] };
    await expectNoTensorLeak(async () => {
      const model = await finetune(windowed, data, { mode: 'full', epochs: 2, batchSize: 4 });
      model.dispose();
    });
    const after = windowed.windowEncoder.model.getWeights().map((weight) => weight.dataSync());
    expect(
      after.some((values, index) => values.some((value, at) => value !== before[index]![at])),
    ).toBe(true);
    await expectNoTensorLeak(() => windowed.doEncode(inputs, { training: true }).dispose());
    inputs.dispose();
    windowed.dispose();
  });

  it('rebuilds from its config, clones, and reloads from a checkpoint', async () => {
    const windowed = windowedOf();
    expect(windowed.getConfig()).toMatchObject({
      type: 'windowed',
      windows: 3,
      windowLength,
      paddingId: padding,
      encoder: { type: 'transformer', maxLength: windowLength },
    });
    const input = tf.tensor2d(rows, [4, 15], 'int32');
    const original = windowed.doEncode(input, { training: false });
    const copy = cloneEncoder(windowed);
    expect(copy).toBeInstanceOf(WindowedEncoder);
    expectTensorsClose(copy.doEncode(input, { training: false }), original, { label: 'clone' });
    const objective: ObjectiveV1<never> = {
      specificationVersion: 'v1',
      method: 'test',
      encoder: windowed,
      heads: {},
      getConfig: () => ({}),
      doLoss: () => {
        throw new Error('not trained here');
      },
      dispose: () => windowed.dispose(),
    };
    const directory = join(mkdtempSync(join(tmpdir(), 'selfsup-windowed-')), 'checkpoint');
    await saveCheckpoint(directory, objective, { step: 0 });
    const loaded = await loadEncoder(directory);
    expect(loaded.type).toBe('windowed');
    expectTensorsClose(loaded.doEncode(input, { training: false }), original, { label: 'loaded' });
    tf.dispose([input, original]);
    for (const item of [copy, loaded, objective]) item.dispose();
  });

  it('names the problem and the fix on bad options and inputs', () => {
    const inner = createTransformerEncoder(transformer);
    expect(() =>
      createWindowedEncoder(inner, { windows: 2, windowLength: 6, paddingId: 0 }),
    ).toThrow(/windowLength 6 exceeds the 'transformer' encoder's maxLength 5/);
    expect(() =>
      createWindowedEncoder(inner, { windows: 0, windowLength: 5, paddingId: 0 }),
    ).toThrow(/createWindowedEncoder: invalid options/);
    const mlp = createEncoder({ type: 'mlp', inputShape: [6], hiddenSizes: [4] });
    expect(() => createWindowedEncoder(mlp, { windows: 2, windowLength: 3, paddingId: 0 })).toThrow(
      /wraps a token encoder/,
    );
    const windowed = createWindowedEncoder(inner, { windows: 2, windowLength: 5, paddingId: 0 });
    const wrong = tf.zeros([2, 9], 'int32');
    expect(() => windowed.doEncode(wrong, { training: false })).toThrow(/\[batch, 2 × 5\]/);
    expect(() =>
      createEncoder({ type: 'windowed', windows: 2, windowLength: 5, paddingId: 0 }),
    ).toThrow(/needs the window encoder's config under `encoder`/);
    wrong.dispose();
    windowed.dispose();
    mlp.dispose();
  });
});
