import { describe, expect, it } from 'vitest';
import { resolvePretrainSettings } from './pretrain-settings';

describe('resolvePretrainSettings', () => {
  it('fills in the method defaults', () => {
    expect(resolvePretrainSettings('simclr', [])).toMatchObject({
      method: 'simclr',
      data: 'mnist',
      encoder: 'conv-net',
      steps: 1000,
      batchSize: 128,
      lr: 1e-3,
      seed: 0,
      out: 'runs/simclr',
    });
    expect(resolvePretrainSettings('rotation', []).batchSize).toBe(64);
  });

  it('lets later layers win, and steps or epochs replace each other', () => {
    const settings = resolvePretrainSettings('rotation', [
      { steps: 50, batchSize: 16, seed: 3 },
      { epochs: 2, batchSize: 8 },
    ]);
    expect(settings).toMatchObject({ epochs: 2, batchSize: 8, seed: 3 });
    expect(settings.steps).toBeUndefined();
    expect(resolvePretrainSettings('rotation', [{ epochs: 2 }, { steps: 7 }])).toMatchObject({
      steps: 7,
    });
  });

  it('refuses a layer of another method and an unknown method', () => {
    expect(() => resolvePretrainSettings('simclr', [{ method: 'rotation' }])).toThrow(
      /for method 'rotation', but the command says 'simclr'/,
    );
    expect(() => resolvePretrainSettings('byol', [])).toThrow(
      /Unknown method 'byol'\. Methods: simclr/,
    );
  });
});
