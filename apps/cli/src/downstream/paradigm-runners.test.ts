import { describe, expect, it } from 'vitest';
import { applicableParadigms, baselineRunner } from './paradigm-runners';

describe('paradigm runners of selfsup compare', () => {
  it('keeps every paradigm for images, and leaves the image-only baselines out for other inputs', () => {
    const all = ['linear-probe', 'full', 'scratch', 'pseudo-label', 'fixmatch', 'mixmatch'];
    expect(applicableParadigms(all, 'image')).toEqual({ kept: all, left: [] });
    expect(applicableParadigms(all, 'tokens')).toEqual({
      kept: ['linear-probe', 'full', 'scratch', 'pseudo-label'],
      left: ['fixmatch', 'mixmatch'],
    });
  });

  it('refuses an image-only baseline named explicitly for token inputs, saying what to use', () => {
    expect(() =>
      baselineRunner('fixmatch', { createEncoder: () => never(), modality: 'tokens' }),
    ).toThrow(/augments images, but these encoders take 'tokens' inputs: use pseudo-label/);
  });
});

function never(): never {
  throw new Error('not called');
}
