import { describe, expect, it } from 'vitest';
import { StopSequenceMatcher } from './stop-sequence-matcher';

function run(stopSequences: number[][], tokens: number[]) {
  const matcher = new StopSequenceMatcher(stopSequences);
  const emitted: number[] = [];
  for (const token of tokens) {
    const step = matcher.push(token);
    emitted.push(...step.emit);
    if (step.stopped) return { emitted, stopped: true };
  }
  emitted.push(...matcher.flush());
  return { emitted, stopped: false };
}

describe('StopSequenceMatcher', () => {
  it('stops on a stop sequence and never emits it', () => {
    expect(run([[5, 6]], [1, 2, 5, 6, 7])).toEqual({ emitted: [1, 2], stopped: true });
    expect(run([[9]], [1, 9, 3])).toEqual({ emitted: [1], stopped: true });
    expect(run([[5, 6]], [5, 6])).toEqual({ emitted: [], stopped: true });
  });

  it('holds back a possible start of a stop sequence and releases it when it diverges', () => {
    const matcher = new StopSequenceMatcher([[5, 6, 7]]);
    expect(matcher.push(1)).toEqual({ emit: [1], stopped: false });
    expect(matcher.push(5)).toEqual({ emit: [], stopped: false });
    expect(matcher.push(6)).toEqual({ emit: [], stopped: false });
    expect(matcher.push(8)).toEqual({ emit: [5, 6, 8], stopped: false });
    expect(matcher.push(5)).toEqual({ emit: [], stopped: false });
    expect(matcher.flush()).toEqual([5]);
    // Overlapping starts: 5 5 6 7 stops after emitting the first 5.
    expect(run([[5, 6, 7]], [5, 5, 6, 7])).toEqual({ emitted: [5], stopped: true });
  });

  it('takes the first stop sequence completed among several', () => {
    expect(
      run(
        [
          [1, 2, 3],
          [2, 4],
        ],
        [1, 2, 4],
      ),
    ).toEqual({ emitted: [1], stopped: true });
    expect(
      run(
        [
          [1, 2, 3],
          [2, 4],
        ],
        [1, 2, 3],
      ),
    ).toEqual({ emitted: [], stopped: true });
    expect(() => new StopSequenceMatcher([[]])).toThrow(/at least one token/);
  });
});
