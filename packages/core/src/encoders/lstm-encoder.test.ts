import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { SeededRandom } from '../random/seeded-random';
import { expectTensorsClose } from '../test/compare-tensors';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { createLstmEncoder, LstmEncoder } from './lstm-encoder';
import {
  expectEncoderMatchesCpu,
  expectEncoderStepLeaksNothing,
  expectRoundTrip,
} from './vision-encoder-checks';

const vocabularySize = 11;

function seededTokens(seed: number, batch: number, length: number): tf.Tensor2D {
  const random = new SeededRandom(seed);
  return tf.tensor2d(
    Int32Array.from({ length: batch * length }, () => random.nextInt(vocabularySize)),
    [batch, length],
    'int32',
  );
}

describe('createLstmEncoder', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('encodes tokens to features [B, T, D] and pools them by mean (default) or last state', () => {
    const tokens = seededTokens(1, 2, 5);
    for (const bidirectional of [false, true]) {
      const mean = createLstmEncoder({
        vocabularySize,
        embeddingSize: 4,
        hiddenSize: 3,
        bidirectional,
      });
      const last = createLstmEncoder({
        vocabularySize,
        embeddingSize: 4,
        hiddenSize: 3,
        bidirectional,
        pooling: 'last',
      });
      const size = bidirectional ? 6 : 3;
      expect([mean.outputSize, mean.featureSize, mean.hasPositions]).toEqual([size, size, true]);
      expect(mean.inputSpec).toEqual({ modality: 'tokens', shape: [null], dtype: 'int32' });
      tf.tidy(() => {
        const features = mean.doEncodeSequence(tokens, { training: false });
        expect(features.shape).toEqual([2, 5, size]);
        expectTensorsClose(mean.doEncode(tokens, { training: false }), tf.mean(features, 1));
        // Same seed, same weights: the last-state pooling reads the same features.
        const forwardLast = tf.slice(features, [0, 4, 0], [2, 1, 3]).reshape([2, 3]);
        const expected = bidirectional
          ? tf.concat([forwardLast, tf.slice(features, [0, 0, 3], [2, 1, 3]).reshape([2, 3])], 1)
          : forwardLast;
        expectTensorsClose(last.doEncode(tokens, { training: false }), expected);
      });
      mean.dispose();
      last.dispose();
    }
    tokens.dispose();
  });

  it('exposes each layer per direction (ELMo); forward is causal, backward anti-causal', () => {
    const encoder = createLstmEncoder({
      vocabularySize,
      embeddingSize: 4,
      hiddenSize: 3,
      layers: 2,
      bidirectional: true,
    });
    const tokens = seededTokens(2, 1, 6);
    // Change only the last token: forward outputs before it must not move, backward ones at it must.
    const changed = tf.tensor2d(
      [[...Array.from(tokens.dataSync()).slice(0, 5), (tokens.dataSync()[5]! + 1) % 11]],
      [1, 6],
      'int32',
    );
    tf.tidy(() => {
      const outputs = encoder.encodeLayers(tokens, { training: false });
      const other = encoder.encodeLayers(changed, { training: false });
      expect(outputs.embeddings.shape).toEqual([1, 6, 4]);
      expect(outputs.forward.map((x) => x.shape)).toEqual([
        [1, 6, 3],
        [1, 6, 3],
      ]);
      expect(outputs.backward.map((x) => x.shape)).toEqual([
        [1, 6, 3],
        [1, 6, 3],
      ]);
      const features = encoder.doEncodeSequence(tokens, { training: false });
      expectTensorsClose(tf.concat([outputs.forward[1]!, outputs.backward[1]!], 2), features);
      for (let layer = 0; layer < 2; layer++) {
        expectTensorsClose(
          tf.slice(other.forward[layer]!, [0, 0, 0], [1, 5, 3]),
          tf.slice(outputs.forward[layer]!, [0, 0, 0], [1, 5, 3]),
          { label: `forward layer ${layer} before the change` },
        );
        const backwardDifference = tf.max(
          tf.abs(tf.sub(other.backward[layer]!, outputs.backward[layer]!)),
        );
        expect(backwardDifference.dataSync()[0]).toBeGreaterThan(1e-6);
      }
    });
    const unidirectional = createLstmEncoder({ vocabularySize, embeddingSize: 4, hiddenSize: 3 });
    tf.tidy(() => {
      expect(unidirectional.encodeLayers(tokens, { training: false }).backward).toEqual([]);
    });
    encoder.dispose();
    unidirectional.dispose();
    tf.dispose([tokens, changed]);
  });

  it('initializes each gate block of the recurrent kernel orthogonally, from the seed', () => {
    const encoder = createLstmEncoder({ vocabularySize, embeddingSize: 4, hiddenSize: 5, seed: 3 });
    const twin = createLstmEncoder({ vocabularySize, embeddingSize: 4, hiddenSize: 5, seed: 3 });
    const recurrent = encoder.model.getLayer('forward_lstm_1').getWeights()[1]!;
    expect(Array.from(twin.model.getLayer('forward_lstm_1').getWeights()[1]!.dataSync())).toEqual(
      Array.from(recurrent.dataSync()),
    );
    tf.tidy(() => {
      for (const block of tf.split(recurrent, 4, 1)) {
        expectTensorsClose(tf.matMul(block, block, true, false), tf.eye(5), { atol: 1e-5 });
      }
    });
    encoder.dispose();
    twin.dispose();
  });

  it('trains (gradients for every trainable weight, also through encodeLayers) without leaking tensors', async () => {
    const encoder = createLstmEncoder({
      vocabularySize,
      embeddingSize: 3,
      hiddenSize: 2,
      layers: 2,
      bidirectional: true,
    });
    const tokens = seededTokens(4, 2, 4);
    expect(await expectEncoderStepLeaksNothing(encoder, tokens)).toBe(
      encoder.model.trainableWeights.length,
    );
    await expectNoTensorLeak(() => {
      const { value, grads } = tf.variableGrads(() =>
        tf.tidy(() => {
          const { forward, backward } = encoder.encodeLayers(tokens, { training: true });
          return tf.addN([...forward, ...backward].map((x) => tf.mean(tf.square(x)))).asScalar();
        }),
      );
      expect(Object.keys(grads)).toHaveLength(encoder.model.trainableWeights.length);
      tf.dispose([value, ...Object.values(grads)]);
    });
    encoder.dispose();
    tokens.dispose();
  });

  it('round-trips through getConfig, save/load and fromModel with identical outputs', async () => {
    const encoder = createLstmEncoder({
      vocabularySize,
      embeddingSize: 3,
      hiddenSize: 2,
      bidirectional: true,
      pooling: 'last',
    });
    const tokens = seededTokens(5, 2, 4);
    const loaded = await expectRoundTrip(encoder, LstmEncoder.fromModel, tokens);
    expect(() =>
      LstmEncoder.fromModel(loaded.model, { ...encoder.getConfig(), layers: 2 }),
    ).toThrow(/forward_lstm_2/);
    encoder.dispose();
    loaded.dispose();
    tokens.dispose();
  });

  it('rejects missing options and float inputs with clear messages', () => {
    expect(() => createLstmEncoder({} as never)).toThrow(/vocabularySize/);
    const encoder = createLstmEncoder({ vocabularySize, embeddingSize: 2, hiddenSize: 2 });
    const floats = tf.zeros([1, 3]);
    expect(() => encoder.doEncode(floats, { training: false })).toThrow(/int32 token ids/);
    floats.dispose();
    encoder.dispose();
  });

  it('gives the same output and weight gradients on wasm as on cpu (training mode)', async () => {
    await expectEncoderMatchesCpu(
      () =>
        createLstmEncoder({
          vocabularySize,
          embeddingSize: 3,
          hiddenSize: 2,
          bidirectional: true,
          seed: 1,
        }),
      () => seededTokens(7, 2, 4),
    );
  });
});
