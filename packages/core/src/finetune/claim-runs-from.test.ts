import { describe, expect, it } from 'vitest';
import { claimRunsFrom } from './claim-runs-from';

/** Walks participants through runs 0..total−1 in the given interleaving; returns who trained what. */
function share(total: number, turns: number[]): number[][] {
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const selectors = [claimRunsFrom(counter), claimRunsFrom(counter)];
  const next = [0, 0];
  const trained: number[][] = [[], []];
  for (const participant of turns) {
    const run = next[participant]!;
    if (run >= total) continue;
    next[participant] = run + 1;
    if (selectors[participant]!(run)) trained[participant]!.push(run);
  }
  // Everyone finishes the study.
  for (const participant of [0, 1]) {
    for (let run = next[participant]!; run < total; run++)
      if (selectors[participant]!(run)) trained[participant]!.push(run);
  }
  return trained;
}

describe('claimRunsFrom', () => {
  it('gives every run to exactly one participant, in turn when they alternate', () => {
    expect(share(4, [0, 1, 1, 0, 0, 1, 1])).toEqual([
      [0, 2],
      [1, 3],
    ]);
  });

  it('lets a free participant take the runs a busy one has not reached', () => {
    // Participant 0 takes run 0 and stays busy while participant 1 walks through the study.
    const [slow, fast] = share(6, [0, 1, 1, 1, 1, 1, 1]);
    expect(slow).toEqual([0]);
    expect(fast).toEqual([1, 2, 3, 4, 5]);
    for (const turns of [
      [1, 0, 1, 0, 1, 0],
      [1, 1, 0, 0, 1, 1, 0, 0],
    ]) {
      const parts = share(7, turns);
      expect([...parts[0]!, ...parts[1]!].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    }
  });

  it('rejects a counter that is not an Int32Array', () => {
    expect(() => claimRunsFrom(new Float32Array(1) as unknown as Int32Array)).toThrow(/Int32Array/);
  });
});
