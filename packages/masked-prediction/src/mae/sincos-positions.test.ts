import { describe, expect, it } from 'vitest';
import { sincosPositions } from './sincos-positions';

describe('sincosPositions', () => {
  it('embeds the column in the first half and the row in the second, as MAE', () => {
    const table = sincosPositions(3, 5, 8, true);
    expect(table.length).toBe((1 + 15) * 8);
    // The [CLS] row is zeros.
    expect(Array.from(table.slice(0, 8))).toEqual(new Array(8).fill(0));
    // Patch (row 2, column 3): ω = [1, 10000^(-1/2)] for D/4 = 2.
    const omega = [1, 0.01];
    const base = (1 + 2 * 5 + 3) * 8;
    const expected = [
      ...omega.map((w) => Math.sin(3 * w)),
      ...omega.map((w) => Math.cos(3 * w)),
      ...omega.map((w) => Math.sin(2 * w)),
      ...omega.map((w) => Math.cos(2 * w)),
    ];
    Array.from(table.slice(base, base + 8)).forEach((value, index) => {
      expect(value).toBeCloseTo(expected[index] ?? Number.NaN, 6);
    });
  });

  it('gives every patch of a grid a distinct embedding', () => {
    const table = sincosPositions(7, 7, 16);
    const rows = new Set<string>();
    for (let patch = 0; patch < 49; patch++) {
      rows.add(Array.from(table.slice(patch * 16, patch * 16 + 16), (v) => v.toFixed(5)).join());
    }
    expect(rows.size).toBe(49);
    expect(() => sincosPositions(7, 7, 6)).toThrow(/multiple of 4/);
  });
});
