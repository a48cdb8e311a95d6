import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { cifarViewPreset, mnistViewPreset, simclrViewPreset } from './image-view-presets';
import { createImageViews } from './image-views';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

function values(tensor: tf.Tensor): number[] {
  return Array.from(tensor.dataSync());
}

describe('createImageViews', () => {
  it('makes views of the right shape and range with each preset', () => {
    const cases = [
      { preset: mnistViewPreset, shape: [4, 28, 28, 1] },
      { preset: cifarViewPreset, shape: [4, 32, 32, 3] },
      { preset: simclrViewPreset, shape: [2, 40, 40, 3] },
    ] as const;
    for (const { preset, shape } of cases) {
      const images = tf.randomUniform([...shape], 0, 1, 'float32', 1) as tf.Tensor4D;
      const views = createImageViews(preset)(images, 3);
      expect(views.shape).toEqual([...shape]);
      expect(tf.min(views).dataSync()[0]).toBeGreaterThanOrEqual(0);
      expect(tf.max(views).dataSync()[0]).toBeLessThanOrEqual(1);
      tf.dispose([images, views]);
    }
  });

  it('gives the same views for the same seed, other views for another seed, and two different views per pair', () => {
    const images = tf.randomUniform([4, 16, 16, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    const views = createImageViews(cifarViewPreset);
    const [first, second] = views.twoViews(images, 7);
    const [firstAgain, secondAgain] = views.twoViews(images, 7);
    const [firstOther] = views.twoViews(images, 8);
    expect(values(firstAgain)).toEqual(values(first));
    expect(values(secondAgain)).toEqual(values(second));
    expect(values(second)).not.toEqual(values(first));
    expect(values(firstOther)).not.toEqual(values(first));
    tf.dispose([images, first, second, firstAgain, secondAgain, firstOther]);
  });

  it('draws independent parameters for each example of a batch', () => {
    const image = tf.randomUniform([1, 12, 12, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
    const batch = tf.tile(image, [6, 1, 1, 1]) as tf.Tensor4D;
    const views = createImageViews(mnistViewPreset)(batch, 5);
    const distinct = new Set(
      Array.from({ length: 6 }, (_, example) =>
        JSON.stringify(values(views.slice([example], [1]))),
      ),
    );
    expect(distinct.size).toBe(6);
    tf.dispose([image, batch, views]);
  });

  it('applies only the steps it is given', () => {
    const images = tf.randomUniform([3, 8, 8, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    const none = createImageViews({})(images, 1);
    expect(values(none)).toEqual(values(images));
    const cropOnly = createImageViews({ crop: { size: [4, 4] }, flip: false })(images, 1);
    expect(cropOnly.shape).toEqual([3, 4, 4, 3]);
    const identityAffine = createImageViews({ affine: {} })(images, 1);
    expect(values(identityAffine)).toEqual(values(images));
    const turned = createImageViews({ affine: { degrees: 30 } })(images, 1);
    expect(turned.shape).toEqual([3, 8, 8, 3]);
    expect(values(turned)).not.toEqual(values(images));
    expect(() => createImageViews({ flip: { probability: 3 } })(images, 1)).toThrow(/probability/);
    expect(() => createImageViews({ affine: { degrees: -3 } })(images, 1)).toThrow(/degrees/);
    tf.dispose([images, none, cropOnly, identityAffine, turned]);
  });

  it('leaks no tensor', async () => {
    const images = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 6) as tf.Tensor4D;
    const views = createImageViews({
      ...simclrViewPreset,
      affine: { degrees: 10, shear: 5 },
      noise: { std: 0.02 },
    });
    await expectNoTensorLeak(() => {
      tf.dispose(views.twoViews(images, 1));
      views(images, 2).dispose();
      expect(() => views(images, Number.NaN)).toThrow(/seed/);
    });
    images.dispose();
  });
});
