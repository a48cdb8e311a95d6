import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { type BackendInfo, backendNames, getBackendInfo, initBackend } from './init-backend';

const environmentName = 'SELFSUP_BACKEND';

describe('initBackend', () => {
  afterEach(() => {
    delete process.env[environmentName];
  });

  // Runs first: the default choice in Node without tfjs-node installed is wasm.
  it('picks wasm by default in Node here (no tfjs-node), reports once, and registers the selfsup kernels', async () => {
    const reports: string[] = [];
    const info = await initBackend({ onReport: (message) => reports.push(message) });
    expect(info.backend).toBe('wasm');
    expect(info.tfBackend).toBe('wasm');
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(info.environment).toBe('node');
    expect(info.forced).toBe(false);
    expect(info.selfsupKernels).toBe(true);
    expect(tf.getBackend()).toBe('wasm');
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(/'wasm' \(1 thread, selfsup training kernels\)/);
    expect(getBackendInfo()).toEqual(info);
  });

  it('is idempotent: a second call returns the same info without reporting again', async () => {
    const reports: string[] = [];
    const first = await initBackend({ quiet: true });
    const second = await initBackend({ onReport: (message) => reports.push(message) });
    const forcedSame = await initBackend({
      backend: 'wasm',
      onReport: (message) => reports.push(message),
    });
    expect(second).toBe(first);
    expect(forcedSame).toBe(first);
    expect(reports).toEqual([]);
  });

  it('makes its backend active again when something switched away', async () => {
    await tf.setBackend('cpu');
    const info = await initBackend({ quiet: true });
    expect(tf.getBackend()).toBe(info.tfBackend);
  });

  it('fails for a forced node backend with the install hint', async () => {
    await expect(initBackend({ backend: 'node', quiet: true })).rejects.toThrow(
      /'node' backend could not be started.*pnpm add @tensorflow\/tfjs-node@4\.22\.0.*Node ≤ 22.*libtensorflow/,
    );
    await expect(initBackend({ backend: 'node-gpu', quiet: true })).rejects.toThrow(
      /pnpm add @tensorflow\/tfjs-node-gpu@4\.22\.0/,
    );
    expect(getBackendInfo()?.backend).toBe('wasm');
  });

  it('fails for webgl in Node with a hint', async () => {
    await expect(initBackend({ backend: 'webgl', quiet: true })).rejects.toThrow(
      /'webgl' backend could not be started.*WebGL/,
    );
  });

  it('lists the valid names for an unknown backend, from options or SELFSUP_BACKEND', async () => {
    await expect(initBackend({ backend: 'tpu' as never, quiet: true })).rejects.toThrow(
      `Unknown backend 'tpu' (from options.backend); valid names: ${backendNames.join(', ')}.`,
    );
    process.env[environmentName] = 'gpu';
    await expect(initBackend({ quiet: true })).rejects.toThrow(
      /Unknown backend 'gpu' \(from SELFSUP_BACKEND\); valid names: node-gpu, node/,
    );
  });

  it('SELFSUP_BACKEND=cpu picks cpu; the option wins over the variable', async () => {
    process.env[environmentName] = 'cpu';
    let reported: BackendInfo | undefined;
    const info = await initBackend({ onReport: (_message, details) => (reported = details) });
    expect(info).toMatchObject({
      backend: 'cpu',
      tfBackend: 'cpu',
      threads: 1,
      forced: true,
      selfsupKernels: false,
    });
    expect(reported).toEqual(info);
    expect(tf.getBackend()).toBe('cpu');
    const wasm = await initBackend({ backend: 'wasm', quiet: true });
    expect(wasm.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('serialises concurrent calls', async () => {
    const results = await Promise.all([
      initBackend({ quiet: true }),
      initBackend({ quiet: true }),
      initBackend({ quiet: true }),
    ]);
    expect(new Set(results).size).toBe(1);
  });
});
