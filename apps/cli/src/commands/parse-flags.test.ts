import { describe, expect, it } from 'vitest';
import {
  parseIntegerList,
  parsePositiveInteger,
  parsePositiveNumber,
  UsageError,
} from './parse-flags';

describe('flag parsing', () => {
  it('accepts valid values', () => {
    expect(parsePositiveInteger('300', '--steps')).toBe(300);
    expect(parsePositiveNumber('2e-3', '--lr')).toBe(0.002);
    expect(parseIntegerList('10, 100,1000', '--labels')).toEqual([10, 100, 1000]);
  });

  it('names the flag and what it takes', () => {
    expect(() => parsePositiveInteger('1.5', '--steps')).toThrow(UsageError);
    expect(() => parsePositiveInteger('0', '--steps')).toThrow(
      /--steps takes an integer ≥ 1, got '0'/,
    );
    expect(() => parsePositiveNumber('-1', '--lr')).toThrow(/--lr takes a number > 0/);
    expect(() => parseIntegerList('10,x', '--labels')).toThrow(
      /--labels takes an integer ≥ 0, got 'x'/,
    );
    expect(() => parseIntegerList('', '--labels')).toThrow(/got nothing/);
  });
});
