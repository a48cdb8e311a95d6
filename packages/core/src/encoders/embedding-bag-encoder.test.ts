import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { registerSequenceLayers } from '../layers/register-sequence-layers';
import { expectTensorsClose } from '../test/compare-tensors';
import { createEmbeddingBagEncoder, EmbeddingBagEncoder } from './embedding-bag-encoder';
import {
  expectEncoderMatchesCpu,
  expectEncoderStepLeaksNothing,
  expectRoundTrip,
} from './vision-encoder-checks';

const tokens = () =>
  tf.tensor2d(
    [
      [1, 2, 0, 0],
      [3, 3, 4, 0],
      [0, 0, 0, 0],
    ],
    [3, 4],
    'int32',
  );

describe('createEmbeddingBagEncoder', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    registerSequenceLayers();
  });

  it('pools the vectors of the non-padding tokens by mean (an all-padding row gives zeros)', () => {
    const encoder = createEmbeddingBagEncoder({ vocabularySize: 5, embeddingSize: 2 });
    expect(encoder.inputSpec).toEqual({ modality: 'tokens', shape: [null], dtype: 'int32' });
    expect([encoder.outputSize, encoder.hasPositions]).toEqual([2, true]);
    encoder.setTokenEmbeddings(Float32Array.from([9, 9, 1, 0, 0, 1, 2, 2, -4, 6]));
    const input = tokens();
    tf.tidy(() => {
      expectTensorsClose(
        encoder.doEncode(input, { training: false }),
        tf.tensor2d([0.5, 0.5, 0, 3.333333, 0, 0], [3, 2]),
      );
      expect(encoder.doEncodeSequence(input, { training: false }).shape).toEqual([3, 4, 2]);
    });
    expect(() => encoder.setTokenEmbeddings(new Float32Array(3))).toThrow(/5×2 = 10 values/);
    input.dispose();
    encoder.dispose();
  });

  it('trains its table without leaking tensors, and matches cpu on wasm', async () => {
    const encoder = createEmbeddingBagEncoder({ vocabularySize: 5, embeddingSize: 3, seed: 2 });
    const input = tokens();
    expect(await expectEncoderStepLeaksNothing(encoder, input)).toBe(1);
    await expectEncoderMatchesCpu(
      () => createEmbeddingBagEncoder({ vocabularySize: 5, embeddingSize: 3, seed: 2 }),
      tokens,
    );
    input.dispose();
    encoder.dispose();
  });

  it('round-trips through save/load and fromModel, and rejects float inputs and missing options', async () => {
    const encoder = createEmbeddingBagEncoder({ vocabularySize: 5, embeddingSize: 3, seed: 4 });
    const input = tokens();
    const loaded = await expectRoundTrip(encoder, EmbeddingBagEncoder.fromModel, input);
    expect(() =>
      EmbeddingBagEncoder.fromModel(loaded.model, { ...encoder.getConfig(), type: 'mlp' }),
    ).toThrow(/expected 'embedding-bag'/);
    const floats = tf.zeros([1, 3]);
    expect(() => encoder.doEncode(floats, { training: false })).toThrow(/int32 token ids/);
    expect(() => createEmbeddingBagEncoder({} as never)).toThrow(/vocabularySize/);
    tf.dispose([floats, input]);
    encoder.dispose();
    loaded.dispose();
  });
});
