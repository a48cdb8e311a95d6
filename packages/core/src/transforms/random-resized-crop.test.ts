import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { cropAndResizeBoxes, randomCropBoxes, randomResizedCrop } from './random-resized-crop';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

/** `[batch, size, size, 1]` images whose pixel value is its column / (size − 1). */
function columnRamp(batchSize: number, size: number): tf.Tensor4D {
  const values = new Float32Array(batchSize * size * size);
  for (let index = 0; index < values.length; index++) values[index] = (index % size) / (size - 1);
  return tf.tensor4d(values, [batchSize, size, size, 1]);
}

describe('randomCropBoxes', () => {
  it('draws boxes inside the image, with area and aspect ratio in range, per example', () => {
    const boxes = randomCropBoxes(32, 32, 200, 9, { scale: [0.2, 1], ratio: [3 / 4, 4 / 3] });
    for (const box of boxes) {
      expect(box.top).toBeGreaterThanOrEqual(0);
      expect(box.left).toBeGreaterThanOrEqual(0);
      expect(box.top + box.height).toBeLessThanOrEqual(32);
      expect(box.left + box.width).toBeLessThanOrEqual(32);
      // Whole-pixel rounding moves the area a little around the drawn fraction.
      const area = (box.height * box.width) / (32 * 32);
      expect(area).toBeGreaterThan(0.15);
      expect(area).toBeLessThanOrEqual(1);
      expect(box.width / box.height).toBeGreaterThan(0.6);
      expect(box.width / box.height).toBeLessThan(1.6);
    }
    expect(new Set(boxes.map((box) => JSON.stringify(box))).size).toBeGreaterThan(150);
    expect(randomCropBoxes(32, 32, 200, 9)).toEqual(boxes);
    expect(randomCropBoxes(32, 32, 200, 10)).not.toEqual(boxes);
    expect(() => randomCropBoxes(32, 32, 2, 1, { scale: [0.5, 0.2] })).toThrow(/scale/);
  });
});

describe('randomResizedCrop', () => {
  it('is the identity for a full-image crop and keeps values in [0, 1]', () => {
    const images = tf.randomUniform([3, 8, 8, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    const same = randomResizedCrop(images, 4, { scale: [1, 1], ratio: [1, 1] });
    expect(same.shape).toEqual([3, 8, 8, 3]);
    const difference = tf.max(tf.abs(tf.sub(same, images))).dataSync()[0]!;
    expect(difference).toBeLessThan(1e-6);
    const views = randomResizedCrop(images, 4, { scale: [0.08, 1], size: [5, 6] });
    expect(views.shape).toEqual([3, 5, 6, 3]);
    expect(tf.min(views).dataSync()[0]).toBeGreaterThanOrEqual(0);
    expect(tf.max(views).dataSync()[0]).toBeLessThanOrEqual(1);
    tf.dispose([images, same, views]);
  });

  it('zooms: a column ramp becomes the ramp of each drawn box, stretched to the output width', () => {
    const size = 16;
    const images = columnRamp(6, size);
    const options = { scale: [0.2, 0.5] as const };
    const views = randomResizedCrop(images, 31, options);
    const boxes = randomCropBoxes(size, size, 6, 31, options);
    const values = views.dataSync();
    boxes.forEach((box, example) => {
      for (const column of [0, 5, size - 1]) {
        const sourceColumn = box.left + (column * (box.width - 1)) / (size - 1);
        const actual = values[example * size * size + 3 * size + column]!;
        expect(actual).toBeCloseTo(sourceColumn / (size - 1), 5);
      }
      // Each output step covers less than one input column: the crop is magnified.
      const step = values[example * size * size + 1]! - values[example * size * size]!;
      expect(step).toBeLessThan(1 / (size - 1));
    });
    tf.dispose([images, views]);
  });

  it('copies pixels exactly when the box has the output size', () => {
    const images = tf.tensor4d(
      Array.from({ length: 16 }, (_, index) => index / 15),
      [1, 4, 4, 1],
    );
    const crop = cropAndResizeBoxes(images, [{ top: 1, left: 2, height: 2, width: 2 }], [2, 2]);
    expect(Array.from(crop.dataSync())).toEqual(
      [6, 7, 10, 11].map((value) => Math.fround(value / 15)),
    );
    expect(() => cropAndResizeBoxes(images, [], [2, 2])).toThrow(/one box per example/);
    tf.dispose([images, crop]);
  });

  it('refuses images that are not [B, H, W, C] float32', () => {
    const flat = tf.zeros([4, 4, 1]);
    expect(() => randomResizedCrop(flat as unknown as tf.Tensor4D, 1)).toThrow(/batch axis/);
    flat.dispose();
  });

  it('leaks no tensor', async () => {
    const images = tf.randomUniform([4, 8, 8, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    await expectNoTensorLeak(() => randomResizedCrop(images, 1).dispose());
    images.dispose();
  });
});
