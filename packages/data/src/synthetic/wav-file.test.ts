import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readWav, writeWav } from './wav-file';

const folder = mkdtempSync(join(tmpdir(), 'selfsup-wav-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const tone = Float32Array.from(
  { length: 800 },
  (_, i) => 0.9 * Math.sin((2 * Math.PI * 440 * i) / 8000),
);

describe('readWav / writeWav', () => {
  it('round-trips 32-bit float samples exactly and 16-bit within one step', () => {
    const path = join(folder, 'tone.wav');
    writeWav(path, tone, 8000);
    const read = readWav(path);
    expect(read.sampleRate).toBe(8000);
    expect(read.channels).toBe(1);
    expect(read.samples).toEqual(tone);

    writeWav(path, tone, 16000, { bitDepth: '16' });
    const pcm = readWav(readFileSync(path));
    expect(pcm.sampleRate).toBe(16000);
    let worst = 0;
    for (let i = 0; i < tone.length; i++)
      worst = Math.max(worst, Math.abs(pcm.samples[i]! - tone[i]!));
    expect(worst).toBeLessThan(1 / 16384);
  });

  it('keeps interleaved stereo frames in order', () => {
    const path = join(folder, 'stereo.wav');
    const stereo = Float32Array.from([0.1, -0.1, 0.2, -0.2, 0.3, -0.3]);
    writeWav(path, stereo, 8000, { channels: 2 });
    const read = readWav(path);
    expect(read.channels).toBe(2);
    expect(read.samples).toEqual(stereo);
  });

  it('names swapped arguments without printing the samples', () => {
    const swapped = () =>
      (writeWav as unknown as (...values: unknown[]) => void)(tone, join(folder, 'x.wav'), 8000);
    expect(swapped).toThrow(
      /writeWav takes \(path, samples, sampleRate\).*got a Float32Array and a string/,
    );
    try {
      swapped();
    } catch (error) {
      expect((error as Error).message.length).toBeLessThan(200);
    }
  });

  it('rejects a truncated file and a non-WAV file with an error that names the file', () => {
    const path = join(folder, 'whole.wav');
    writeWav(path, tone, 8000);
    const truncated = join(folder, 'truncated.wav');
    writeFileSync(truncated, readFileSync(path).subarray(0, 1000));
    expect(() => readWav(truncated)).toThrow(/truncated\.wav is truncated/);
    const text = join(folder, 'notes.wav');
    writeFileSync(text, 'these are not audio samples at all, just text');
    expect(() => readWav(text)).toThrow(/notes\.wav is not a readable WAV file/);
    expect(() => readWav(join(folder, 'missing.wav'))).toThrow(/missing\.wav/);
  });
});
