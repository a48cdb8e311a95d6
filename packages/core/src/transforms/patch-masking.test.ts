import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { gatherPerExample } from './gather-per-example';
import { keptPatchCount, maskPatches } from './patch-masking';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

function rows(tensor: tf.Tensor): number[][] {
  return tensor.arraySync() as number[][];
}

function disposeResult(result: ReturnType<typeof maskPatches>): void {
  tf.dispose([result.keepIndices, result.maskIndices, result.mask, result.restoreIndices]);
}

describe('maskPatches', () => {
  it('keeps exactly K patches; keep and mask are disjoint, cover all, and agree with the mask', () => {
    const result = maskPatches(8, 16, 3);
    expect(result.keepIndices.shape).toEqual([8, 4]);
    expect(result.maskIndices.shape).toEqual([8, 12]);
    expect(result.keepIndices.dtype).toBe('int32');
    expect(result.mask.dtype).toBe('float32');
    const keep = rows(result.keepIndices);
    const masked = rows(result.maskIndices);
    const mask = rows(result.mask);
    keep.forEach((kept, example) => {
      const all = [...kept, ...masked[example]!].sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: 16 }, (_, index) => index));
      expect(mask[example]!.reduce((sum, value) => sum + value, 0)).toBe(12);
      for (const patch of kept) expect(mask[example]![patch]).toBe(0);
      for (const patch of masked[example]!) expect(mask[example]![patch]).toBe(1);
    });
    expect(new Set(keep.map((kept) => JSON.stringify(kept))).size).toBeGreaterThan(4);
    disposeResult(result);
  });

  it('restoreIndices inverts the shuffle, so gathered decoder tokens come back in patch order', () => {
    const result = maskPatches(4, 10, 8, { ratio: 0.6 });
    const shuffle = tf.concat([result.keepIndices, result.maskIndices], 1) as tf.Tensor2D;
    // Tokens in shuffled order carry their patch index; restoring must give 0..P−1.
    const restored = gatherPerExample(shuffle, result.restoreIndices);
    for (const row of rows(restored))
      expect(row).toEqual(Array.from({ length: 10 }, (_, index) => index));
    // And the visible patches of a [B, P, D] tensor are taken with the keep indices.
    const patches = tf.tile(tf.range(0, 10).reshape([1, 10, 1]), [4, 1, 3]);
    const visible = gatherPerExample(patches, result.keepIndices);
    expect(visible.shape).toEqual([4, 4, 3]);
    expect(rows(visible.slice([0, 0, 0], [4, 4, 1]).squeeze([2]))).toEqual(
      rows(result.keepIndices),
    );
    tf.dispose([shuffle, restored, patches, visible]);
    disposeResult(result);
  });

  it('masks every patch with probability ratio, reproducibly for a seed', () => {
    const result = maskPatches(400, 8, 5);
    const perPatch = Array.from(tf.mean(result.mask, 0).dataSync());
    for (const fraction of perPatch) {
      expect(fraction).toBeGreaterThan(0.68);
      expect(fraction).toBeLessThan(0.82);
    }
    const again = maskPatches(400, 8, 5);
    const other = maskPatches(400, 8, 6);
    expect(Array.from(again.keepIndices.dataSync())).toEqual(
      Array.from(result.keepIndices.dataSync()),
    );
    expect(Array.from(other.keepIndices.dataSync())).not.toEqual(
      Array.from(result.keepIndices.dataSync()),
    );
    [result, again, other].forEach(disposeResult);
  });

  it('counts kept patches as MAE does and rejects ratios that keep nothing', () => {
    expect(keptPatchCount(196, 0.75)).toBe(49);
    expect(keptPatchCount(10, 0.7)).toBe(3);
    expect(() => keptPatchCount(3, 0.9)).toThrow(/no patch visible/);
    expect(() => maskPatches(2, 4, 1, { ratio: 1 })).toThrow(/\[0, 1\)/);
  });

  it('leaks no tensor', async () => {
    await expectNoTensorLeak(() => disposeResult(maskPatches(2, 9, 1)));
  });
});
