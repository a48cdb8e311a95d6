import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { effectiveSpanLength, maskSpans } from './span-masking';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

function rows(tensor: tf.Tensor): number[][] {
  return tensor.arraySync() as number[][];
}

function disposeResult(result: ReturnType<typeof maskSpans>): void {
  tf.dispose([result.mask, result.starts, result.maskedCounts]);
}

/** The expected masked fraction: step t is masked unless none of its possible starts fired. */
function expectedFraction(length: number, spanLength: number, probability: number): number {
  let total = 0;
  for (let step = 0; step < length; step++) {
    const first = Math.max(0, step - spanLength + 1);
    const last = Math.min(step, length - spanLength);
    total += 1 - (1 - probability) ** Math.max(0, last - first + 1);
  }
  return total / length;
}

describe('maskSpans', () => {
  it('masks about 1 − (1 − p)^M of the steps (wav2vec 2.0 defaults)', () => {
    const result = maskSpans(32, 400, 4);
    const fraction = tf.mean(result.mask).dataSync()[0]!;
    const expected = expectedFraction(400, 10, 0.065);
    expect(expected).toBeGreaterThan(0.45);
    expect(Math.abs(fraction - expected)).toBeLessThan(0.03);
    expect(Math.abs(fraction - (1 - (1 - 0.065) ** 10))).toBeLessThan(0.05);
    disposeResult(result);
  });

  it('masks exactly the M steps after each start, and counts them', () => {
    const result = maskSpans(6, 60, 2, { spanLength: 4, startProbability: 0.1 });
    const starts = rows(result.starts);
    const mask = rows(result.mask);
    const counts = Array.from(result.maskedCounts.dataSync());
    starts.forEach((row, example) => {
      const expected = row.map((_, step) =>
        row.slice(Math.max(0, step - 3), step + 1).some((start) => start === 1) ? 1 : 0,
      );
      expect(mask[example]).toEqual(expected);
      expect(counts[example]).toBe(expected.reduce((sum: number, value) => sum + value, 0));
      // Starts only where a whole span fits.
      expect(row.slice(57).every((start) => start === 0)).toBe(true);
    });
    disposeResult(result);
  });

  it('gives every short clip at least one span, shortened to half the clip', () => {
    expect(effectiveSpanLength(12, 10)).toBe(6);
    expect(effectiveSpanLength(100, 10)).toBe(10);
    expect(effectiveSpanLength(1, 10)).toBe(1);
    const result = maskSpans(50, 8, 3);
    for (const count of result.maskedCounts.dataSync()) {
      expect(count).toBeGreaterThanOrEqual(4);
      expect(count).toBeLessThan(8);
    }
    const without = maskSpans(50, 8, 3, { atLeastOneSpan: false });
    expect(Array.from(without.maskedCounts.dataSync()).some((count) => count === 0)).toBe(true);
    [result, without].forEach(disposeResult);
  });

  it('starts spans only inside the valid steps, so padding is never masked', () => {
    const lengths = [40, 25, 12, 5];
    const validSteps = tf.tensor2d(
      lengths.flatMap((valid) => Array.from({ length: 40 }, (_, step) => (step < valid ? 1 : 0))),
      [4, 40],
    );
    const result = maskSpans(4, 40, 6, { spanLength: 6, startProbability: 0.2, validSteps });
    const mask = rows(result.mask);
    lengths.forEach((valid, example) => {
      expect(mask[example]!.slice(valid).every((value) => value === 0)).toBe(true);
      // Rows with room for a span get at least one; a 5-step row cannot hold a 6-step span.
      const count = mask[example]!.reduce((sum, value) => sum + value, 0);
      if (valid >= 6) expect(count).toBeGreaterThanOrEqual(6);
      else expect(count).toBe(0);
    });
    const wrongShape = tf.ones([4, 39]) as tf.Tensor2D;
    expect(() => maskSpans(4, 40, 6, { validSteps: wrongShape })).toThrow(/validSteps/);
    tf.dispose([validSteps, wrongShape]);
    disposeResult(result);
  });

  it('is reproducible for a seed and differs across seeds and examples', () => {
    const first = maskSpans(4, 50, 7);
    const again = maskSpans(4, 50, 7);
    const other = maskSpans(4, 50, 8);
    const mask = rows(first.mask);
    expect(rows(again.mask)).toEqual(mask);
    expect(rows(other.mask)).not.toEqual(mask);
    expect(new Set(mask.map((row) => JSON.stringify(row))).size).toBe(4);
    const allValid = tf.ones([4, 50]) as tf.Tensor2D;
    const withValid = maskSpans(4, 50, 7, { validSteps: allValid });
    expect(rows(withValid.mask)).toEqual(mask);
    allValid.dispose();
    disposeResult(withValid);
    expect(() => maskSpans(4, 50, 7, { startProbability: 2 })).toThrow(/startProbability/);
    expect(() => maskSpans(4, 50, 7, { spanLength: 0 })).toThrow(/spanLength/);
    [first, again, other].forEach(disposeResult);
  });

  it('leaks no tensor', async () => {
    const validSteps = tf.ones([3, 30]) as tf.Tensor2D;
    await expectNoTensorLeak(() => {
      disposeResult(maskSpans(3, 30, 1));
      disposeResult(maskSpans(3, 30, 1, { validSteps }));
    });
    validSteps.dispose();
  });
});
