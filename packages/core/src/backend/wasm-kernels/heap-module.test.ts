import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend';
import { adamUpdateModule } from './adam-update';
import { blockedTranspose } from './blocked-transpose';
import { geluBackwardModule, geluForwardModule } from './gelu';
import { heapModuleBytes } from './heap-module';
import { layerNormBackwardModule, layerNormForwardModule } from './layer-norm';
import { simdTranspose } from './simd-transpose';
import { smallGemm } from './small-gemm';
import { asWasmBackend } from './wasm-heap';

describe('heap modules', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('compile on the backend memory (the kernels do not silently fall back)', () => {
    const backend = asWasmBackend(tf.backend());
    for (const loader of [
      blockedTranspose,
      simdTranspose,
      smallGemm,
      geluForwardModule,
      geluBackwardModule,
      layerNormForwardModule,
      layerNormBackwardModule,
      adamUpdateModule,
    ]) {
      expect(typeof loader(backend)).toBe('function');
      expect(loader(backend)).toBe(loader(backend));
    }
  });

  it('encode a valid module header and export', () => {
    // A body with no locals (0x00) that only ends (0x0b).
    const bytes = heapModuleBytes('run', 2, [0x00, 0x0b]);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ]);
    expect(WebAssembly.validate(bytes)).toBe(true);
  });
});
