import { cloneEncoder, createConvNetEncoder, initBackend } from '@selfsup/core';
import { expectNoTensorLeak, expectTensorsClose } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { momentumUpdate } from './momentum-update';

const weightsByName = (model: tf.LayersModel): Map<string, Float32Array> =>
  new Map(
    model.weights.map((weight) => [
      weight.originalName,
      Float32Array.from(weight.read().dataSync()),
    ]),
  );

describe('momentumUpdate', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('moves every trainable weight by θ_k ← m·θ_k + (1 − m)·θ_q and leaves BatchNorm statistics alone', async () => {
    const online = createConvNetEncoder({ channels: [4], outputSize: 8, seed: 1 });
    const momentumCopy = cloneEncoder(
      createConvNetEncoder({ channels: [4], outputSize: 8, seed: 2 }),
    );
    momentumCopy.model.trainable = false; // lists its weights in another order: pairing is by name
    // Different BatchNorm statistics on both sides, to see that they are not averaged.
    tf.tidy(() => {
      online.doEncode(tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 3), { training: true });
    });
    const before = weightsByName(momentumCopy.model);
    const source = weightsByName(online.model);
    const trainable = new Set(online.model.trainableWeights.map((weight) => weight.originalName));
    await expectNoTensorLeak(() => momentumUpdate(momentumCopy.model, online.model, 0.9));
    const after = weightsByName(momentumCopy.model);
    expect(trainable.size).toBeGreaterThan(0);
    for (const [name, values] of after) {
      const old = before.get(name)!;
      if (trainable.has(name)) {
        const expected = old.map((value, i) => 0.9 * value + 0.1 * source.get(name)![i]!);
        expectTensorsClose(values, expected, { label: name, rtol: 1e-5, atol: 1e-7 });
      } else {
        expect(Array.from(values)).toEqual(Array.from(old));
      }
    }
    online.dispose();
    momentumCopy.dispose();
  });

  it('refuses a network of another architecture and a momentum outside [0, 1]', () => {
    const online = createConvNetEncoder({ channels: [4], outputSize: 8, seed: 1 });
    const other = createConvNetEncoder({ channels: [4], outputSize: 6, seed: 1 });
    expect(() => momentumUpdate(other.model, online.model, 0.99)).toThrow(
      /no weight 'representation\/kernel' of shape \[784,8\] \(it has \[784,6\]\)/,
    );
    expect(() => momentumUpdate(online.model, online.model, 1.5)).toThrow(/in \[0, 1\]/);
    online.dispose();
    other.dispose();
  });
});
