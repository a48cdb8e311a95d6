import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { computeOnBackends, expectTensorsClose } from '../test/compare-tensors';
import { maskPatches } from './patch-masking';
import { maskSpans } from './span-masking';
import { maskTokens } from './token-masking';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('masking on wasm and cpu', () => {
  it('gives the same token, patch and span masks for the same seed', async () => {
    const { reference, actual } = await computeOnBackends(() => {
      const ids = tf.tensor2d(
        Array.from({ length: 6 * 20 }, (_, index) =>
          index % 20 > 16 ? 0 : 4 + ((index * 7) % 30),
        ),
        [6, 20],
        'int32',
      );
      const tokens = maskTokens(ids, 3, { vocabularySize: 40, maskId: 3, protectedIds: [0, 1, 2] });
      const patches = maskPatches(5, 12, 4);
      const spans = maskSpans(4, 30, 5, { spanLength: 5 });
      const validSteps = tf.tensor2d(
        Array.from({ length: 4 * 30 }, (_, index) =>
          index % 30 < 8 + 5 * Math.floor(index / 30) ? 1 : 0,
        ),
        [4, 30],
      );
      const paddedSpans = maskSpans(4, 30, 6, { spanLength: 5, startProbability: 0.3, validSteps });
      return [
        tokens.inputs,
        tokens.weights,
        patches.keepIndices,
        patches.maskIndices,
        patches.mask,
        patches.restoreIndices,
        spans.mask,
        spans.maskedCounts,
        paddedSpans.mask,
      ];
    });
    const labels = [
      'token inputs',
      'token weights',
      'keep',
      'mask indices',
      'patch mask',
      'restore',
      'span mask',
      'counts',
      'padded span mask',
    ];
    reference.forEach((expected, index) => {
      expectTensorsClose(actual[index]!, expected, { label: labels[index], rtol: 0, atol: 0 });
    });
  });
});
