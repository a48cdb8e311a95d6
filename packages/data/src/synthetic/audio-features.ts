import { fourierTransform } from '@selfsup/core';
/** The names of the features of {@link audioSpectralFeatures}, in order. */
export const audioSpectralFeatureNames = [
  'spectral flatness',
  'peak concentration',
  'spectral peaks per frame',
  'pitch slope (octaves per second)',
  'pitch slope magnitude',
  'pitch wobble (octaves)',
  'pitch jump rate',
  'energy modulation',
  'active fraction',
  'active segments',
  'harmonic spacing regularity',
] as const;

/**
 * A power spectrogram: Hann-windowed frames of 32 ms (256 samples at 8 kHz), hop 16 ms.
 *
 * @param samples one clip.
 * @param sampleRate samples per second (frame length = the power of two nearest 32 ms).
 * @returns `frames × bins` powers (row-major), with the frame and bin counts and the bin width in Hz.
 * @example const { power, frames, bins } = powerSpectrogram(clip, 8000);
 */
export function powerSpectrogram(
  samples: Float32Array,
  sampleRate: number,
): { power: Float32Array; frames: number; bins: number; binHertz: number; hopSeconds: number } {
  const frameLength = 2 ** Math.round(Math.log2(0.032 * sampleRate));
  const hop = frameLength / 2;
  const frames = Math.max(0, Math.floor((samples.length - frameLength) / hop) + 1);
  const bins = frameLength / 2 + 1;
  const power = new Float32Array(frames * bins);
  const real = new Float64Array(frameLength);
  const imaginary = new Float64Array(frameLength);
  const window = Float64Array.from(
    { length: frameLength },
    (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / frameLength),
  );
  for (let frame = 0; frame < frames; frame++) {
    for (let i = 0; i < frameLength; i++) {
      real[i] = samples[frame * hop + i]! * window[i]!;
      imaginary[i] = 0;
    }
    fourierTransform(real, imaginary);
    for (let bin = 0; bin < bins; bin++) {
      power[frame * bins + bin] = real[bin]! ** 2 + imaginary[bin]! ** 2;
    }
  }
  return { power, frames, bins, binHertz: sampleRate / frameLength, hopSeconds: hop / sampleRate };
}

/**
 * Hand-made, loudness- and pitch-invariant spectral features of one clip (a baseline for the
 * synthetic audio classes): tonality, peak structure, pitch trajectory (slope, wobble), energy
 * modulation and burstiness, computed on the frames louder than the clip's noise floor.
 *
 * @param samples one clip.
 * @param sampleRate samples per second.
 * @returns {@link audioSpectralFeatureNames}.length features.
 * @example const features = audioSpectralFeatures(syntheticAudioExample(1).samples, 8000);
 */
export function audioSpectralFeatures(samples: Float32Array, sampleRate: number): Float32Array {
  const { power, frames, bins, binHertz, hopSeconds } = powerSpectrogram(samples, sampleRate);
  const low = Math.max(1, Math.floor(60 / binHertz));
  const high = Math.min(bins - 1, Math.ceil((0.45 * sampleRate) / binHertz));
  const energy = new Float64Array(frames);
  for (let frame = 0; frame < frames; frame++) {
    let sum = 0;
    for (let bin = low; bin < high; bin++) sum += power[frame * bins + bin]!;
    energy[frame] = sum;
  }
  const sorted = Float64Array.from(energy).sort();
  const floor = sorted[Math.floor(0.1 * frames)] ?? 0;
  const top = sorted[frames - 1] ?? 0;
  const threshold = floor + 0.1 * (top - floor);
  const active: number[] = [];
  let segments = 0;
  for (let frame = 0; frame < frames; frame++) {
    if (energy[frame]! > threshold) {
      if (active.length === 0 || active[active.length - 1] !== frame - 1) segments++;
      active.push(frame);
    }
  }
  let flatness = 0;
  let concentration = 0;
  let peaks = 0;
  let regularity = 0;
  const pitch: number[] = [];
  for (const frame of active) {
    const row = frame * bins;
    let logSum = 0;
    let maximum = 0;
    let peakBin = low;
    for (let bin = low; bin < high; bin++) {
      const value = power[row + bin]!;
      logSum += Math.log(value + 1e-12);
      if (value > maximum) {
        maximum = value;
        peakBin = bin;
      }
    }
    const mean = energy[frame]! / (high - low);
    flatness += Math.exp(logSum / (high - low)) / (mean + 1e-12);
    let near = 0;
    let weighted = 0;
    for (let bin = Math.max(low, peakBin - 2); bin <= Math.min(high - 1, peakBin + 2); bin++) {
      near += power[row + bin]!;
      weighted += bin * power[row + bin]!;
    }
    concentration += near / (energy[frame]! + 1e-12);
    pitch.push(Math.log2(((weighted / (near + 1e-12)) * binHertz) / 100));
    const peakBins: number[] = [];
    for (let bin = low + 1; bin < high - 1; bin++) {
      const value = power[row + bin]!;
      if (
        value > 0.05 * maximum &&
        value > power[row + bin - 1]! &&
        value >= power[row + bin + 1]!
      ) {
        peakBins.push(bin);
      }
    }
    peaks += peakBins.length;
    if (peakBins.length >= 3) {
      const gaps = peakBins.slice(1).map((bin, i) => bin - peakBins[i]!);
      const gapMean = gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length;
      const gapSpread = Math.sqrt(
        gaps.reduce((sum, gap) => sum + (gap - gapMean) ** 2, 0) / gaps.length,
      );
      regularity += 1 / (1 + gapSpread / gapMean);
    }
  }
  const count = Math.max(1, active.length);
  // Least-squares line through the pitch track (octaves per second), then the residual spread.
  let slope = 0;
  let wobble = 0;
  let jumps = 0;
  if (active.length >= 3) {
    const times = active.map((frame) => frame * hopSeconds);
    const timeMean = times.reduce((sum, t) => sum + t, 0) / times.length;
    const pitchMean = pitch.reduce((sum, p) => sum + p, 0) / pitch.length;
    let covariance = 0;
    let variance = 0;
    for (let i = 0; i < times.length; i++) {
      covariance += (times[i]! - timeMean) * (pitch[i]! - pitchMean);
      variance += (times[i]! - timeMean) ** 2;
    }
    slope = covariance / (variance + 1e-12);
    for (let i = 0; i < times.length; i++) {
      const residual = pitch[i]! - pitchMean - slope * (times[i]! - timeMean);
      wobble += residual ** 2;
    }
    wobble = Math.sqrt(wobble / times.length);
    for (let i = 1; i < pitch.length; i++) if (Math.abs(pitch[i]! - pitch[i - 1]!) > 0.3) jumps++;
    jumps /= pitch.length - 1;
  }
  let modulation = 0;
  for (let i = 1; i < active.length; i++) {
    modulation += Math.abs(
      Math.log(energy[active[i]!]! + 1e-12) - Math.log(energy[active[i - 1]!]! + 1e-12),
    );
  }
  modulation /= Math.max(1, active.length - 1);
  return Float32Array.from([
    flatness / count,
    concentration / count,
    Math.log1p(peaks / count),
    Math.max(-10, Math.min(10, slope)) / 5,
    Math.min(10, Math.abs(slope)) / 5,
    Math.min(1, wobble) * 5,
    jumps,
    Math.min(3, modulation),
    active.length / Math.max(1, frames),
    Math.log1p(segments),
    regularity / count,
  ]);
}

/**
 * {@link audioSpectralFeatures} of every clip of a set, as one row-major `[N, F]` matrix.
 *
 * @param set clips stored back to back (`count × samplesPerClip` samples), e.g. a synthetic audio test set.
 * @returns `count × audioSpectralFeatureNames.length` features.
 * @example const features = audioFeatureMatrix(syntheticAudioTestSet({ count: 80 }));
 */
export function audioFeatureMatrix(set: {
  readonly count: number;
  readonly samplesPerClip: number;
  readonly sampleRate: number;
  readonly samples: Float32Array;
}): Float32Array {
  const size = audioSpectralFeatureNames.length;
  const matrix = new Float32Array(set.count * size);
  for (let i = 0; i < set.count; i++) {
    const clip = set.samples.subarray(i * set.samplesPerClip, (i + 1) * set.samplesPerClip);
    matrix.set(audioSpectralFeatures(clip, set.sampleRate), i * size);
  }
  return matrix;
}
