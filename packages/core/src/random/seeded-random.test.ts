import { describe, expect, it } from 'vitest';
import { deriveSeed, SeededRandom } from './seeded-random';

describe('SeededRandom', () => {
  it('gives the same stream for the same seed and another for another seed', () => {
    const first = new SeededRandom(7);
    const second = new SeededRandom(7);
    const other = new SeededRandom(8);
    const a = Array.from({ length: 5 }, () => first.nextUint32());
    const b = Array.from({ length: 5 }, () => second.nextUint32());
    const c = Array.from({ length: 5 }, () => other.nextUint32());
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('resumes exactly from a saved state', () => {
    const random = new SeededRandom(123);
    random.nextFloat();
    const state = random.getState();
    const expected = [random.nextFloat(), random.nextFloat()];
    const resumed = new SeededRandom(0);
    resumed.setState(state);
    expect([resumed.nextFloat(), resumed.nextFloat()]).toEqual(expected);
  });

  it('draws uniform floats with the right mean and a valid permutation', () => {
    const random = new SeededRandom(1);
    let sum = 0;
    for (let i = 0; i < 20000; i++) sum += random.nextFloat();
    expect(sum / 20000).toBeGreaterThan(0.49);
    expect(sum / 20000).toBeLessThan(0.51);
    const order = Array.from(random.permutation(50)).sort((x, y) => x - y);
    expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('rejects a malformed state', () => {
    expect(() => new SeededRandom(1).setState([1, 2])).toThrow(/4 integers/);
  });
});

describe('deriveSeed', () => {
  it('is a deterministic 31-bit function of its parts', () => {
    expect(deriveSeed(42, 3)).toBe(deriveSeed(42, 3));
    expect(deriveSeed(42, 3)).not.toBe(deriveSeed(42, 4));
    expect(deriveSeed(42, 3)).not.toBe(deriveSeed(43, 3));
    expect(deriveSeed(42, 3)).toBeGreaterThanOrEqual(0);
    expect(deriveSeed(42, 3)).toBeLessThan(2 ** 31);
  });
});
