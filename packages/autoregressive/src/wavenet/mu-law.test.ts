import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from './encode-wav';
import { muLawCompanded, muLawDecode, muLawEncode, muLawLevels } from './mu-law';

describe('μ-law companding (256 levels)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('maps -1, 0, 1 to the ends and the middle of 256 levels, and clips beyond', () => {
    expect(muLawLevels).toBe(256);
    expect([...muLawEncode(Float32Array.of(-1, 0, 1, -3, 3))]).toEqual([0, 128, 255, 0, 255]);
  });

  it('round-trips within half a quantization step, finer near silence', () => {
    const samples = Float32Array.from({ length: 2001 }, (_, i) => -1 + i / 1000);
    const decoded = muLawDecode(muLawEncode(samples));
    let worstNearZero = 0;
    let worst = 0;
    samples.forEach((value, i) => {
      const error = Math.abs(decoded[i]! - value);
      worst = Math.max(worst, error);
      if (Math.abs(value) < 0.01) worstNearZero = Math.max(worstNearZero, error);
    });
    // The step at |x| = 1 is (1 + μ)^(1/μ)·… ≈ 0.043 wide; near 0 it is ~2/(μ·ln(1+μ)/… ) ≈ 2.4e-4.
    expect(worst).toBeLessThan(0.025);
    expect(worstNearZero).toBeLessThan(3e-4);
    // Every id decodes and re-encodes to itself.
    const ids = Int32Array.from({ length: 256 }, (_, i) => i);
    expect([...muLawEncode(muLawDecode(ids))]).toEqual([...ids]);
  });

  it('gives the same ids and values on tensors (wasm) as on arrays, without leaks', async () => {
    const samples = Float32Array.from({ length: 500 }, (_, i) => Math.sin(i * 0.37) * (i / 500));
    const expectedIds = muLawEncode(samples);
    await expectNoTensorLeak(() => {
      const input = tf.tensor1d(samples);
      const ids = muLawEncode(input);
      expect(ids.dtype).toBe('int32');
      expect([...(ids.dataSync() as Int32Array)]).toEqual([...expectedIds]);
      const decoded = muLawDecode(ids);
      const expected = muLawDecode(expectedIds);
      const actual = decoded.dataSync();
      expected.forEach((value, i) => {
        expect(actual[i]).toBeCloseTo(value, 5);
      });
      const companded = muLawCompanded(ids);
      const values = companded.dataSync();
      muLawCompanded(expectedIds).forEach((value, i) => {
        expect(values[i]).toBeCloseTo(value, 6);
      });
      tf.dispose([input, ids, decoded, companded]);
    });
  });

  it('rejects ids outside [0, 255] and non-finite samples, saying why', () => {
    expect(() => muLawDecode(Int32Array.of(256))).toThrow(/integers in \[0, 255\]/);
    expect(() => muLawEncode(Float32Array.of(Number.NaN))).toThrow(/finite samples/);
  });
});

describe('encodeWav', () => {
  it('writes a 16-bit mono PCM RIFF file with the samples in order', () => {
    const samples = Float32Array.of(0, 0.5, -1, 2);
    const bytes = encodeWav(samples, 8000);
    const view = new DataView(bytes.buffer);
    const text = (offset: number) => String.fromCharCode(...bytes.subarray(offset, offset + 4));
    expect(bytes.length).toBe(44 + 2 * samples.length);
    expect([text(0), text(8), text(12), text(36)]).toEqual(['RIFF', 'WAVE', 'fmt ', 'data']);
    expect(view.getUint32(4, true)).toBe(bytes.length - 8);
    expect(view.getUint16(20, true)).toBe(1);
    expect(view.getUint16(22, true)).toBe(1);
    expect(view.getUint32(24, true)).toBe(8000);
    expect(view.getUint16(34, true)).toBe(16);
    const data = [0, 1, 2, 3].map((i) => view.getInt16(44 + 2 * i, true));
    expect(data).toEqual([0, Math.round(0.5 * 32767), -32767, 32767]);
    expect(() => encodeWav(samples, 0)).toThrow(/sampleRate/);
  });
});
