import { setImmediate } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { collectGarbage } from './collect-garbage';

describe('collectGarbage', () => {
  it('collects an object nothing refers to any more', async () => {
    let reference: WeakRef<object> | undefined;
    (() => {
      reference = new WeakRef(new Array(100_000).fill(1));
    })();
    // WeakRef targets stay alive until the end of the job that created them.
    await setImmediate();
    collectGarbage();
    collectGarbage();
    expect(reference?.deref()).toBeUndefined();
  });
});
