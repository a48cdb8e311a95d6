import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { saveCheckpoint } from '../checkpoint/save-checkpoint';
import type { EncoderConfigV1 } from '../spec/encoder-v1';
import type { ObjectiveV1 } from '../spec/objective-v1';
import { expectTensorsClose } from '../test/compare-tensors';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { builtInEncoders, cloneEncoder, createEncoder } from './create-encoder';
import { loadEncoder } from './load-encoder';

const smallConfigs: EncoderConfigV1[] = [
  { type: 'mlp', inputShape: [6], hiddenSizes: [5, 4] },
  { type: 'conv-net', inputShape: [8, 8, 1], channels: [2, 3], outputSize: 4 },
  { type: 'transformer', vocabularySize: 11, maxLength: 6, embeddingSize: 8, layers: 1, heads: 2 },
  { type: 'embedding-bag', vocabularySize: 11, embeddingSize: 4 },
];

function inputFor(type: string): tf.Tensor {
  if (type === 'mlp') return tf.randomUniform([3, 6], 0, 1, 'float32', 1);
  if (type === 'conv-net') return tf.randomUniform([3, 8, 8, 1], 0, 1, 'float32', 2);
  return tf.tensor2d(
    [
      [1, 2, 3, 4, 5, 6],
      [6, 5, 4, 3, 2, 1],
      [0, 1, 0, 1, 0, 1],
    ],
    [3, 6],
    'int32',
  );
}

describe('createEncoder / cloneEncoder / loadEncoder', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('knows every built-in encoder type', () => {
    expect(Object.keys(builtInEncoders).sort()).toEqual(
      [
        'audio-conv',
        'conv-net',
        'embedding-bag',
        'lstm',
        'mlp',
        'res-net',
        'transformer',
        'vit',
      ].sort(),
    );
  });

  it.each(smallConfigs)(
    'rebuilds $type from its config, and clones it into independent weights',
    async (config) => {
      const encoder = createEncoder(config);
      expect(encoder.type).toBe(config.type);
      const again = createEncoder(encoder.getConfig());
      const copy = cloneEncoder(encoder);
      const input = inputFor(config.type);
      const original = encoder.doEncode(input, { training: false });
      expectTensorsClose(again.doEncode(input, { training: false }), original, {
        label: 'same config',
      });
      expectTensorsClose(copy.doEncode(input, { training: false }), original, { label: 'clone' });
      // Training the copy leaves the original untouched.
      const weight = copy.model.trainableWeights[0]!.read() as tf.Variable;
      weight.assign(tf.add(weight, 1));
      const after = encoder.doEncode(input, { training: false });
      expectTensorsClose(after, original);
      await expectNoTensorLeak(() => cloneEncoder(encoder).dispose());
      tf.dispose([input, original, after]);
      for (const item of [encoder, again, copy]) item.dispose();
    },
  );

  it('names the known types when the type is unknown', () => {
    expect(() => createEncoder({ type: 'perceiver' })).toThrow(
      /Unknown encoder type 'perceiver'. Known types: mlp/,
    );
  });

  it('loads the encoder of a checkpoint with the same outputs', async () => {
    const encoder = createEncoder({
      type: 'conv-net',
      inputShape: [8, 8, 1],
      channels: [2, 3],
      outputSize: 4,
      seed: 3,
    });
    const objective: ObjectiveV1<never> = {
      specificationVersion: 'v1',
      method: 'test',
      encoder,
      heads: {},
      getConfig: () => ({}),
      doLoss: () => {
        throw new Error('not trained here');
      },
      dispose: () => encoder.dispose(),
    };
    const directory = join(mkdtempSync(join(tmpdir(), 'selfsup-load-encoder-')), 'checkpoint');
    await saveCheckpoint(directory, objective, { step: 0 });
    const loaded = await loadEncoder(directory);
    expect(loaded.type).toBe('conv-net');
    const input = inputFor('conv-net');
    expectTensorsClose(
      loaded.doEncode(input, { training: false }),
      encoder.doEncode(input, { training: false }),
    );
    loaded.dispose();
    objective.dispose();
    input.dispose();
  });
});
