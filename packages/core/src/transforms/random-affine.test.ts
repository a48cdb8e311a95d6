import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import {
  type AffineParameters,
  affineTransform,
  randomAffine,
  randomAffineParameters,
} from './random-affine';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

const identity: AffineParameters = { angle: 0, translateX: 0, translateY: 0, scale: 1, shear: 0 };

/** A 5×5 image with one bright pixel at (row, column). */
function dot(row: number, column: number): tf.Tensor4D {
  const values = new Float32Array(25);
  values[row * 5 + column] = 1;
  return tf.tensor4d(values, [1, 5, 5, 1]);
}

function brightest(image: tf.Tensor4D): [number, number] {
  const values = image.dataSync();
  let best = 0;
  for (let index = 1; index < values.length; index++) {
    if (values[index]! > values[best]!) best = index;
  }
  return [Math.floor(best / 5), best % 5];
}

describe('affineTransform', () => {
  it('keeps the image under the identity and moves pixels by exact rotations and shifts', () => {
    const image = dot(2, 4); // right of the centre (2, 2)
    const same = affineTransform(image, [identity]);
    expect(Array.from(same.dataSync())).toEqual(Array.from(image.dataSync()));
    // 90° counter-clockwise: right of the centre goes above it.
    const turned = affineTransform(image, [{ ...identity, angle: 90 }]);
    expect(brightest(turned)).toEqual([0, 2]);
    expect(Math.max(...turned.dataSync())).toBeCloseTo(1, 5);
    const turnedBack = affineTransform(image, [{ ...identity, angle: -90 }]);
    expect(brightest(turnedBack)).toEqual([4, 2]);
    // A shift of one pixel left and one down.
    const shifted = affineTransform(image, [{ ...identity, translateX: -1, translateY: 1 }]);
    expect(brightest(shifted)).toEqual([3, 3]);
    // Zoom 0.5 pulls the pixel halfway to the centre.
    const shrunk = affineTransform(dot(2, 4), [{ ...identity, scale: 0.5 }]);
    expect(brightest(shrunk)).toEqual([2, 3]);
    tf.dispose([image, same, turned, turnedBack, shifted, shrunk]);
  });

  it('shears rows sideways in proportion to their distance from the centre row', () => {
    const image = dot(0, 2); // above the centre
    // x' = x + tan(45°)·y: the row 2 above the centre moves 2 columns left.
    const sheared = affineTransform(image, [{ ...identity, shear: 45 }]);
    expect(brightest(sheared)).toEqual([0, 0]);
    tf.dispose([image, sheared]);
  });

  it('transforms each example with its own parameters and fills outside with zeros', () => {
    const images = tf.concat([dot(2, 4), dot(2, 4)]) as tf.Tensor4D;
    const out = affineTransform(images, [identity, { ...identity, translateX: 3 }]);
    const [first, second] = tf.split(out, 2) as [tf.Tensor4D, tf.Tensor4D];
    expect(brightest(first)).toEqual([2, 4]);
    expect(Math.max(...second.dataSync())).toBe(0);
    expect(() => affineTransform(images, [identity])).toThrow(/one set of parameters per example/);
    tf.dispose([images, out, first, second]);
  });
});

describe('randomAffine', () => {
  it('draws parameters inside the ranges, the same for the same seed', () => {
    const options = { degrees: 15, translate: [0.1, 0.2], scale: [0.9, 1.1], shear: 10 } as const;
    const drawn = randomAffineParameters(28, 28, 500, 3, options);
    for (const parameters of drawn) {
      expect(Math.abs(parameters.angle)).toBeLessThanOrEqual(15);
      expect(Math.abs(parameters.translateX)).toBeLessThanOrEqual(2.8);
      expect(Math.abs(parameters.translateY)).toBeLessThanOrEqual(5.6);
      expect(parameters.scale).toBeGreaterThanOrEqual(0.9);
      expect(parameters.scale).toBeLessThanOrEqual(1.1);
      expect(Math.abs(parameters.shear)).toBeLessThanOrEqual(10);
    }
    // Symmetric ranges are used on both sides.
    expect(Math.min(...drawn.map((parameters) => parameters.angle))).toBeLessThan(-12);
    expect(Math.max(...drawn.map((parameters) => parameters.angle))).toBeGreaterThan(12);
    expect(randomAffineParameters(28, 28, 500, 3, options)).toEqual(drawn);
    expect(randomAffineParameters(28, 28, 500, 4, options)).not.toEqual(drawn);
    // No option: the identity.
    expect(randomAffineParameters(28, 28, 2, 3)).toEqual([identity, identity]);
  });

  it('keeps shape and range, and rejects bad options with their name', () => {
    const images = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const views = randomAffine(images, 9, { degrees: 30, translate: [0.1, 0.1], shear: 10 });
    expect(views.shape).toEqual([4, 28, 28, 1]);
    const values = views.dataSync();
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
    expect(Array.from(values)).not.toEqual(Array.from(images.dataSync()));
    expect(() => randomAffine(images, 9, { degrees: -1 })).toThrow(/degrees/);
    expect(() => randomAffine(images, 9, { scale: [1.2, 0.8] })).toThrow(/scale/);
    expect(() => randomAffine(images, 9, { shear: 90 })).toThrow(/shear/);
    expect(() => randomAffine(images, 9, { translate: [2, 0] })).toThrow(/translate/);
    tf.dispose([images, views]);
  });

  it('leaks no tensor', async () => {
    const images = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 2) as tf.Tensor4D;
    await expectNoTensorLeak(() => {
      randomAffine(images, 1, { degrees: 20, scale: [0.8, 1.2] }).dispose();
    });
    images.dispose();
  });
});
