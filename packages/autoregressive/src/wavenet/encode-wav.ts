/**
 * Encodes a mono waveform as the bytes of a 16-bit PCM WAV file (RIFF/WAVE, the most portable
 * format), in memory, so it works in Node and browsers alike; write the bytes with your platform's
 * file API (atomically in Node: a temporary file, then a rename).
 *
 * Samples are clipped to [-1, 1] and scaled by 32767 with rounding.
 *
 * @param samples the waveform in [-1, 1] (e.g. a clip of {@link generateWavenet}).
 * @param sampleRate samples per second (8000 for the synthetic audio).
 * @returns the complete file: a 44-byte header and `2 × samples.length` bytes of data.
 * @example
 * const bytes = encodeWav(generation.audio[0]!, 8000);
 * new Blob([bytes], { type: 'audio/wav' }); // or writeFileSync('clip.wav', bytes)
 */
export function encodeWav(samples: Float32Array, sampleRate: number): Uint8Array {
  if (!(Number.isInteger(sampleRate) && sampleRate > 0)) {
    throw new RangeError(`encodeWav: sampleRate must be a positive integer, got ${sampleRate}.`);
  }
  const dataBytes = 2 * samples.length;
  const bytes = new Uint8Array(44 + dataBytes);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) view.setUint8(offset + i, text.charCodeAt(i));
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true); // fmt chunk size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, 2 * sampleRate, true); // byte rate
  view.setUint16(32, 2, true); // block align
  view.setUint16(34, 16, true); // bits per sample
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < samples.length; i++) {
    const value = samples[i]!;
    const clipped = Number.isNaN(value) ? 0 : Math.max(-1, Math.min(1, value));
    view.setInt16(44 + 2 * i, Math.round(clipped * 32767), true);
  }
  return bytes;
}
