import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { keptPatchCount, maskPatches } from './patch-masking';
import { effectiveSpanLength, maskSpans } from './span-masking';
import { maskTokens } from './token-masking';

// Property-based tests (fast-check): any shape, any ratio in range gives a valid mask; a value
// out of range gives an error that names the option. Few runs each: every run is a wasm call.
const runs = { numRuns: 40 };
const outOfRangeProbability = fc.oneof(
  fc.double({ min: 1.000001, max: 1e9, noNaN: true }),
  fc.double({ min: -1e9, max: -0.000001, noNaN: true }),
  fc.constant(Number.NaN),
  fc.constant(Number.POSITIVE_INFINITY),
);

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
});

describe('maskPatches, for any batch, patch count and ratio', () => {
  it('keeps exactly K patches per example, K + masked = P, and restoreIndices inverts the shuffle', async () => {
    await expectNoTensorLeak(() =>
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 40 }),
          fc.double({ min: 0, max: 0.999, noNaN: true }),
          fc.nat(),
          (batch, patches, ratio, seed) => {
            let kept: number;
            try {
              kept = keptPatchCount(patches, ratio);
            } catch (error) {
              // Only when no patch would stay visible, and the message says so.
              expect(String(error)).toMatch(/leaves no patch visible\. Lower the ratio/);
              expect(() => maskPatches(batch, patches, seed, { ratio })).toThrow(RangeError);
              return;
            }
            const result = maskPatches(batch, patches, seed, { ratio });
            const keep = result.keepIndices.arraySync();
            const masked = result.maskIndices.arraySync();
            const restore = result.restoreIndices.arraySync();
            const mask = result.mask.arraySync();
            tf.dispose(Object.values(result));
            for (let b = 0; b < batch; b++) {
              expect(keep[b]).toHaveLength(kept);
              const shuffle = [...(keep[b] ?? []), ...(masked[b] ?? [])];
              expect([...shuffle].sort((x, y) => x - y)).toEqual(
                Array.from({ length: patches }, (_, index) => index),
              );
              for (let p = 0; p < patches; p++) expect(shuffle[restore[b]?.[p] ?? -1]).toBe(p);
              expect(mask[b]?.reduce((sum, value) => sum + value, 0)).toBe(patches - kept);
            }
          },
        ),
        runs,
      ),
    );
  });

  it('names the ratio when it is outside [0, 1)', () => {
    fc.assert(
      fc.property(fc.oneof(outOfRangeProbability, fc.constant(1)), (ratio) => {
        expect(() => maskPatches(2, 16, 1, { ratio })).toThrow(
          /maskPatches ratio must be in \[0, 1\)/,
        );
      }),
      runs,
    );
  });
});

describe('maskSpans, for any batch, length, start probability and span length', () => {
  it('returns a 0/1 mask whose counts match, with at least one span per row by default', async () => {
    await expectNoTensorLeak(() =>
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 1, max: 40 }),
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.integer({ min: 1, max: 12 }),
          fc.nat(),
          (batch, length, startProbability, spanLength, seed) => {
            const result = maskSpans(batch, length, seed, { startProbability, spanLength });
            const mask = result.mask.arraySync();
            const counts = result.maskedCounts.arraySync();
            tf.dispose(Object.values(result));
            const span = effectiveSpanLength(length, spanLength);
            for (let b = 0; b < batch; b++) {
              const row = mask[b] ?? [];
              expect(row).toHaveLength(length);
              expect(row.every((value) => value === 0 || value === 1)).toBe(true);
              const sum = row.reduce((total, value) => total + value, 0);
              expect(counts[b]).toBe(sum);
              expect(sum).toBeGreaterThanOrEqual(span);
              if (startProbability === 1) expect(sum).toBe(length);
            }
          },
        ),
        runs,
      ),
    );
  });

  it('names startProbability, spanLength and length when out of range', () => {
    fc.assert(
      fc.property(outOfRangeProbability, (startProbability) => {
        expect(() => maskSpans(2, 16, 1, { startProbability })).toThrow(
          /maskSpans startProbability/,
        );
      }),
      runs,
    );
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 0 }), (bad) => {
        expect(() => maskSpans(2, 16, 1, { spanLength: bad })).toThrow(/maskSpans spanLength/);
        expect(() => maskSpans(2, bad, 1)).toThrow(/maskSpans length/);
        expect(() => maskSpans(bad, 16, 1)).toThrow(/maskSpans batchSize/);
      }),
      runs,
    );
  });
});

describe('maskTokens, for any ids, vocabulary, protected ids and probabilities', () => {
  const batchArbitrary = fc
    .record({
      vocabularySize: fc.integer({ min: 3, max: 40 }),
      batch: fc.integer({ min: 1, max: 3 }),
      length: fc.integer({ min: 1, max: 16 }),
      selectProbability: fc.double({ min: 0.01, max: 1, noNaN: true }),
      maskTokenProbability: fc.double({ min: 0, max: 1, noNaN: true }),
      seed: fc.nat(),
    })
    .chain((base) =>
      fc.record({
        base: fc.constant(base),
        maskId: fc.integer({ min: 0, max: base.vocabularySize - 1 }),
        protectedIds: fc.uniqueArray(fc.integer({ min: 0, max: base.vocabularySize - 1 }), {
          maxLength: base.vocabularySize - 2,
        }),
        ids: fc.array(fc.integer({ min: 0, max: base.vocabularySize - 1 }), {
          minLength: base.batch * base.length,
          maxLength: base.batch * base.length,
        }),
        randomShare: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
    );

  it('selects max(1, round(p·n)) maskable positions per row, labels them, and never introduces a protected id', async () => {
    await expectNoTensorLeak(() =>
      fc.assert(
        fc.property(batchArbitrary, ({ base, maskId, protectedIds, ids, randomShare }) => {
          const { vocabularySize, batch, length, selectProbability, maskTokenProbability, seed } =
            base;
          const randomTokenProbability = (1 - maskTokenProbability) * randomShare;
          const input = tf.tensor2d(ids, [batch, length], 'int32');
          const result = maskTokens(input, seed, {
            vocabularySize,
            maskId,
            protectedIds,
            selectProbability,
            maskTokenProbability,
            randomTokenProbability,
          });
          const inputs = result.inputs.arraySync();
          const labels = result.labels.arraySync();
          const weights = result.weights.arraySync();
          tf.dispose([input, ...Object.values(result)]);
          const isProtected = new Set([maskId, ...protectedIds]);
          for (let b = 0; b < batch; b++) {
            const row = ids.slice(b * length, (b + 1) * length);
            const maskable = row.filter((id) => !isProtected.has(id)).length;
            const selected = weights[b]?.filter((weight) => weight === 1).length ?? 0;
            expect(selected).toBe(
              maskable === 0
                ? 0
                : Math.min(maskable, Math.max(1, Math.round(selectProbability * maskable))),
            );
            for (let t = 0; t < length; t++) {
              const original = row[t] ?? -1;
              const output = inputs[b]?.[t] ?? -1;
              if (weights[b]?.[t] === 1) {
                expect(isProtected.has(original)).toBe(false);
                expect(labels[b]?.[t]).toBe(original);
                expect(output === maskId || !isProtected.has(output)).toBe(true);
              } else {
                expect(output).toBe(original);
              }
            }
          }
        }),
        runs,
      ),
    );
  });

  it('names the option that is out of range, and the dtype or shape of bad ids', () => {
    const ids = tf.tensor2d([[1, 2, 3]], [1, 3], 'int32');
    fc.assert(
      fc.property(
        outOfRangeProbability,
        fc.constantFrom('selectProbability', 'maskTokenProbability', 'randomTokenProbability'),
        (value, name) => {
          expect(() =>
            maskTokens(ids, 1, { vocabularySize: 10, maskId: 0, [name]: value }),
          ).toThrow(new RegExp(`maskTokens ${name}`));
        },
      ),
      runs,
    );
    fc.assert(
      fc.property(
        fc.integer({ min: -100, max: 100 }).filter((id) => id < 0 || id >= 10),
        (maskId) => {
          expect(() => maskTokens(ids, 1, { vocabularySize: 10, maskId })).toThrow(
            /maskId must be an id in \[0, 10\)/,
          );
        },
      ),
      runs,
    );
    const floats = tf.tensor2d([[1, 2]], [1, 2], 'float32');
    expect(() => maskTokens(floats as tf.Tensor2D, 1, { vocabularySize: 10, maskId: 0 })).toThrow(
      /ids must be a \[batch, length\] int32 tensor, got float32/,
    );
    tf.dispose([ids, floats]);
  });
});
