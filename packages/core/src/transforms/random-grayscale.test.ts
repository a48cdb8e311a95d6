import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { expectTensorsClose } from '../test/compare-tensors';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { lumaWeights } from './luminance';
import { randomGrayscale } from './random-grayscale';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('randomGrayscale', () => {
  it('replaces every channel by the BT.601 luma when chosen', () => {
    const images = tf.tensor4d([1, 0, 0, 0, 1, 0, 0, 0, 1, 0.2, 0.4, 0.6], [1, 2, 2, 3]);
    const grey = randomGrayscale(images, 1, { probability: 1 });
    const [red, green, blue] = lumaWeights;
    const mixed = red * 0.2 + green * 0.4 + blue * 0.6;
    expectTensorsClose(grey.dataSync(), [
      red,
      red,
      red,
      green,
      green,
      green,
      blue,
      blue,
      blue,
      mixed,
      mixed,
      mixed,
    ]);
    tf.dispose([images, grey]);
  });

  it('turns about p of the examples grey, reproducibly, and leaves grey images alone', () => {
    const images = tf.randomUniform([100, 2, 2, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const views = randomGrayscale(images, 8, { probability: 0.2 });
    const again = randomGrayscale(images, 8, { probability: 0.2 });
    expect(Array.from(again.dataSync())).toEqual(Array.from(views.dataSync()));
    const changed = Array.from(tf.any(tf.notEqual(views, images), [1, 2, 3]).dataSync()).filter(
      Boolean,
    ).length;
    expect(changed).toBeGreaterThan(8);
    expect(changed).toBeLessThan(35);
    const single = tf.randomUniform([4, 2, 2, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const same = randomGrayscale(single, 8, { probability: 1 });
    expect(Array.from(same.dataSync())).toEqual(Array.from(single.dataSync()));
    const twoChannels = tf.zeros([1, 2, 2, 2]) as tf.Tensor4D;
    expect(() => randomGrayscale(twoChannels, 1)).toThrow(/1 or 3 channels/);
    tf.dispose([images, views, again, single, same, twoChannels]);
  });

  it('leaks no tensor', async () => {
    const images = tf.randomUniform([4, 2, 2, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    await expectNoTensorLeak(() => randomGrayscale(images, 1, { probability: 0.5 }).dispose());
    images.dispose();
  });
});
