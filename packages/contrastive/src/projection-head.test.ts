import { initBackend } from '@selfsup/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createProjectionHead } from './projection-head';

describe('createProjectionHead', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  const weightsOf = (seed: number): number[][] => {
    const head = createProjectionHead({
      name: 'head',
      inputSize: 6,
      hiddenUnits: 5,
      outputSize: 3,
      seed,
    });
    const values = head.getWeights().map((weight) => Array.from(weight.dataSync()));
    head.dispose();
    return values;
  };

  it('is reproducible from its seed, seed 0 included (tfjs reads seed 0 as no seed)', () => {
    expect(weightsOf(0)).toEqual(weightsOf(0));
    expect(weightsOf(7)).toEqual(weightsOf(7));
    expect(weightsOf(0)[0]).not.toEqual(weightsOf(7)[0]);
  });
});
