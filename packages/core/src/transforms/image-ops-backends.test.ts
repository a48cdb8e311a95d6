import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { computeOnBackends, expectTensorsClose } from '../test/compare-tensors';
import { createImageViews } from './image-views';
import { gaussianBlur } from './random-gaussian-blur';
import { flipHorizontally } from './random-horizontal-flip';
import { randomResizedCrop } from './random-resized-crop';
import { rotate90 } from './rotate90';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

function images(): tf.Tensor4D {
  return tf.tensor4d(
    Array.from({ length: 4 * 9 * 9 * 3 }, (_, index) => ((index * 37) % 101) / 100),
    [4, 9, 9, 3],
  );
}

describe('image transforms on wasm and cpu', () => {
  it('agree for flip, rotate90, blur with fixed sigmas, crops and a full view pipeline', async () => {
    const { reference, actual } = await computeOnBackends(() => {
      const input = images();
      return [
        flipHorizontally(input, [true, false, true, false]),
        rotate90(input, [0, 1, 2, 3]),
        gaussianBlur(input, [0.5, 1, 0, 2], 5),
        randomResizedCrop(input, 3, { size: [6, 7] }),
        createImageViews({
          crop: {},
          colorJitter: { strength: 1, probability: 1 },
          blur: { probability: 1 },
        })(input, 4),
      ];
    });
    const labels = ['flip', 'rotate90', 'blur', 'crop', 'views'];
    reference.forEach((expected, index) => {
      expectTensorsClose(actual[index]!, expected, { label: labels[index] });
    });
  });
});
