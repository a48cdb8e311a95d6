import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeWav } from '../synthetic/wav-file';
import { loadWavFolder, resampleLinear } from './load-wav-folder';

const root = mkdtempSync(join(tmpdir(), 'selfsup-wavs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function ramp(length: number, start: number): Float32Array {
  return Float32Array.from({ length }, (_, i) => start + i / 64);
}

describe('loadWavFolder', () => {
  it('reads class subfolders into mono clips with exact samples and sorted classes', () => {
    const path = join(root, 'commands');
    mkdirSync(join(path, 'yes'), { recursive: true });
    mkdirSync(join(path, 'no'), { recursive: true });
    writeWav(join(path, 'yes', 'a.wav'), ramp(10, 0), 8000);
    writeWav(join(path, 'no', 'b.wav'), ramp(6, -0.5), 8000);
    // Stereo: frames (0.5, -0.25) and (0.25, 0.75) → mono 0.125 and 0.5.
    writeWav(join(path, 'no', 'c.wav'), Float32Array.from([0.5, -0.25, 0.25, 0.75]), 8000, {
      channels: 2,
    });
    const result = loadWavFolder(path);
    expect(result.classNames).toEqual(['no', 'yes']);
    expect(Array.from(result.labels)).toEqual([0, 0, 1]);
    expect(result.files).toEqual([
      join(path, 'no', 'b.wav'),
      join(path, 'no', 'c.wav'),
      join(path, 'yes', 'a.wav'),
    ]);
    expect(result.sampleRate).toBe(8000);
    expect(result.clips[0]).toEqual(ramp(6, -0.5));
    expect(result.clips[1]).toEqual(Float32Array.from([0.125, 0.5]));
    expect(result.clips[2]).toEqual(ramp(10, 0));
    expect(result.skipped).toEqual([]);
  });

  it('reads a flat folder (16-bit PCM) as unlabeled, and one file', () => {
    const path = join(root, 'flat');
    mkdirSync(path);
    writeWav(join(path, 'x.wav'), Float32Array.from([0, 0.5, -0.5]), 16000, { bitDepth: '16' });
    const result = loadWavFolder(path);
    expect(result.classNames).toEqual([]);
    expect(Array.from(result.labels)).toEqual([0]);
    // writeWav stores round(x · 32767): 16384 and -16383; readWav divides by 32768.
    expect(Array.from(result.clips[0]!)).toEqual([0, 16384 / 32768, -16383 / 32768]);
    expect(loadWavFolder(join(path, 'x.wav')).clips).toHaveLength(1);
  });

  it('needs sampleRate for mixed rates, then resamples linearly', () => {
    const path = join(root, 'rates');
    mkdirSync(path);
    writeWav(join(path, 'a.wav'), ramp(8, 0), 8000);
    writeWav(join(path, 'b.wav'), ramp(16, 0), 16000);
    expect(() => loadWavFolder(path)).toThrow(
      /b\.wav is sampled at 16000 Hz but .*a\.wav at 8000 Hz; pass sampleRate/,
    );
    const result = loadWavFolder(path, { sampleRate: 8000 });
    expect(result.sampleRate).toBe(8000);
    expect(result.clips[0]).toEqual(ramp(8, 0));
    // 16 kHz ramp i/64 read every 2 samples → 2i/64.
    expect(Array.from(result.clips[1]!)).toEqual(Array.from({ length: 8 }, (_, i) => (2 * i) / 64));
    expect(Array.from(resampleLinear(Float32Array.from([0, 1]), 1, 2))).toEqual([0, 0.5, 1, 1]);
    expect(() => loadWavFolder(path, { sampleRate: 0 })).toThrow(
      /sampleRate must be a positive integer/,
    );
  });

  it('rejects truncated and garbage WAVs and other extensions, or skips them with a summary', () => {
    const path = join(root, 'bad');
    mkdirSync(path);
    writeWav(join(path, 'good.wav'), ramp(100, 0), 8000);
    writeWav(join(path, 'cut.wav'), ramp(100, 0), 8000);
    const bytes = readFileSync(join(path, 'cut.wav'));
    writeFileSync(join(path, 'cut.wav'), bytes.subarray(0, bytes.length - 40));
    writeFileSync(join(path, 'noise.wav'), 'definitely not RIFF');
    writeFileSync(join(path, 'song.mp3'), 'ID3');
    expect(() => loadWavFolder(path)).toThrow(/song\.mp3 has an unsupported extension '\.mp3'/);
    rmSync(join(path, 'song.mp3'));
    expect(() => loadWavFolder(path)).toThrow(/cut\.wav is truncated.*skipBadFiles: true/);
    writeFileSync(join(path, 'song.mp3'), 'ID3');
    const result = loadWavFolder(path, { skipBadFiles: true });
    expect(result.files).toEqual([join(path, 'good.wav')]);
    expect(result.skipped.map(({ file }) => file)).toEqual(
      ['song.mp3', 'cut.wav', 'noise.wav'].map((name) => join(path, name)),
    );
    expect(result.skipped[2]!.reason).toMatch(/noise\.wav is not a readable WAV file/);
    expect(() => loadWavFolder(join(root, 'none'))).toThrow(/none does not exist/);
  });
});
