import { describe, expect, it, vi } from 'vitest';
import { checkDataParallelSupport } from './check-data-parallel-support';

/** Runs `run` with `globalThis[name]` removed, restoring it before anything else runs. */
function withoutGlobal(name: 'process', run: () => void): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, name);
  Object.defineProperty(globalThis, name, { value: undefined, configurable: true, writable: true });
  try {
    run();
    return undefined;
  } catch (error) {
    return error;
  } finally {
    if (descriptor !== undefined) Object.defineProperty(globalThis, name, descriptor);
  }
}

describe('checkDataParallelSupport', () => {
  it('passes in Node', () => {
    expect(() => checkDataParallelSupport(2)).not.toThrow();
  });

  it('refuses an environment without Node worker_threads (a browser) and says to use workers: 1', () => {
    const error = withoutGlobal('process', () => checkDataParallelSupport(4));
    expect(String(error)).toMatch(/workers: 4 trains in Node worker_threads.*Use workers: 1/);
  });

  it('refuses a Node process without SharedArrayBuffer', () => {
    vi.stubGlobal('SharedArrayBuffer', undefined);
    try {
      expect(() => checkDataParallelSupport(2)).toThrow(
        /SharedArrayBuffer and Atomics, which this Node process does not provide.*Use workers: 1/,
      );
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
