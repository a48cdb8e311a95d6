import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { randomRotate90, rotate90 } from './rotate90';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('rotate90', () => {
  it('turns a known image counter-clockwise as numpy.rot90 does', () => {
    // [[1, 2], [3, 4]] → rot90: [[2, 4], [1, 3]]; rot180: [[4, 3], [2, 1]]; rot270: [[3, 1], [4, 2]].
    const image = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const batch = tf.concat([image, image, image, image]) as tf.Tensor4D;
    const rotated = rotate90(batch, [0, 1, 2, 3]);
    expect(Array.from(rotated.dataSync())).toEqual([
      1, 2, 3, 4, 2, 4, 1, 3, 4, 3, 2, 1, 3, 1, 4, 2,
    ]);
    tf.dispose([image, batch, rotated]);
  });

  it('is the identity after four quarter turns, per example, and k and 4 − k undo each other', () => {
    const images = tf.randomUniform([4, 5, 5, 2], 0, 1, 'float32', 3) as tf.Tensor4D;
    let turned = images.clone();
    for (let turn = 0; turn < 4; turn++) {
      const next = rotate90(turned, [1, 1, 1, 1]);
      turned.dispose();
      turned = next;
    }
    expect(Array.from(turned.dataSync())).toEqual(Array.from(images.dataSync()));
    const forward = rotate90(images, [0, 1, 2, 3]);
    const back = rotate90(forward, [0, 3, 2, 1]);
    expect(Array.from(back.dataSync())).toEqual(Array.from(images.dataSync()));
    // The rotated examples really changed.
    expect(Array.from(forward.slice([1], [1]).dataSync())).not.toEqual(
      Array.from(images.slice([1], [1]).dataSync()),
    );
    tf.dispose([images, turned, forward, back]);
  });

  it('is differentiable: the gradient is the inverse rotation of the upstream gradient', () => {
    const images = tf.randomUniform([2, 3, 3, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
    const upstream = tf.randomUniform([2, 3, 3, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const gradient = tf.grad((x: tf.Tensor) =>
      tf.sum(tf.mul(rotate90(x as tf.Tensor4D, [1, 2]), upstream)),
    )(images);
    const expected = rotate90(upstream, [3, 2]);
    expect(Array.from(gradient.dataSync())).toEqual(Array.from(expected.dataSync()));
    tf.dispose([images, upstream, gradient, expected]);
  });

  it('keeps non-square images for half turns and refuses quarter turns on them', () => {
    const images = tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 2, 3, 1]);
    const half = rotate90(images, [2]);
    expect(Array.from(half.dataSync())).toEqual([6, 5, 4, 3, 2, 1]);
    expect(() => rotate90(images, [1])).toThrow(/square/);
    expect(() => rotate90(images, [4])).toThrow(/0, 1, 2 or 3/);
    expect(() => rotate90(images, [0, 1])).toThrow(/one value per example/);
    tf.dispose([images, half]);
  });

  it('draws seeded random rotations and returns them as labels', () => {
    const images = tf.randomUniform([16, 4, 4, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const first = randomRotate90(images, 21);
    const second = randomRotate90(images, 21);
    const other = randomRotate90(images, 22);
    const labels = Array.from(first.rotations.dataSync());
    expect(labels).toEqual(Array.from(second.rotations.dataSync()));
    expect(labels).not.toEqual(Array.from(other.rotations.dataSync()));
    expect(new Set(labels).size).toBeGreaterThan(1);
    const expected = rotate90(images, labels);
    expect(Array.from(first.images.dataSync())).toEqual(Array.from(expected.dataSync()));
    tf.dispose([
      images,
      first.images,
      first.rotations,
      second.images,
      second.rotations,
      other.images,
      other.rotations,
      expected,
    ]);
  });

  it('leaks no tensor', async () => {
    const images = tf.randomUniform([4, 3, 3, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    await expectNoTensorLeak(() => {
      rotate90(images, [0, 1, 2, 3]).dispose();
      rotate90(images, [1, 1, 1, 1]).dispose();
      rotate90(images, [0, 0, 0, 0]).dispose();
      const result = randomRotate90(images, 3);
      tf.dispose([result.images, result.rotations]);
    });
    images.dispose();
  });
});
