import { describe, expect, it } from 'vitest';
import { browserBackends, requestedBackend } from './start-backend';

describe('requestedBackend', () => {
  it('reads a browser backend from the query string, and nothing for auto or absent', () => {
    expect(browserBackends).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    expect(requestedBackend('?backend=webgl&steps=3')).toBe('webgl');
    expect(requestedBackend('?backend=wasm')).toBe('wasm');
    expect(requestedBackend('?backend=auto')).toBeUndefined();
    expect(requestedBackend('')).toBeUndefined();
  });

  it('refuses an unknown or Node-only backend and names the valid ones', () => {
    expect(() => requestedBackend('?backend=node')).toThrow(/webgpu, webgl, wasm, cpu/);
    expect(() => requestedBackend('?backend=gpu')).toThrow(/Unknown backend 'gpu'/);
  });
});
