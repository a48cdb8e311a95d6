import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { clipByGlobalNorm, globalNorm } from './clip-by-global-norm';

describe('clipByGlobalNorm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('scales all gradients together down to the bound and leaves small ones alone', async () => {
    await expectNoTensorLeak(() => {
      tf.tidy(() => {
        // Global norm of [3, 4] and [12] is 13.
        const gradients = { a: tf.tensor1d([3, 4]), b: tf.tensor1d([12]) };
        expect(globalNorm(gradients).dataSync()[0]).toBeCloseTo(13, 5);
        const { gradients: clipped, norm } = clipByGlobalNorm(gradients, 6.5);
        expect(norm.dataSync()[0]).toBeCloseTo(13, 5);
        const a = Array.from(clipped.a?.dataSync() ?? []);
        expect(a[0]).toBeCloseTo(1.5, 5);
        expect(a[1]).toBeCloseTo(2, 5);
        expect(clipped.b?.dataSync()[0]).toBeCloseTo(6, 5);
        expect(globalNorm(clipped).dataSync()[0]).toBeCloseTo(6.5, 4);
        const { gradients: untouched } = clipByGlobalNorm(gradients, 100);
        expect(Array.from(untouched.a?.dataSync() ?? [])).toEqual([3, 4]);
      });
    });
  });

  it('rejects a bound that is not positive', () => {
    expect(() => clipByGlobalNorm({}, 0)).toThrow(/clipNorm must be a finite number > 0/);
  });
});
