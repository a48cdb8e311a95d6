import * as tf from '@tensorflow/tfjs';

/**
 * The number of μ-law levels of WaveNet (van den Oord et al. 2016, section 2.2: "we first apply
 * a μ-law companding transformation (ITU-T, 1988) to the data, and then quantize it to 256
 * possible values"), so `μ = 255`.
 */
export const muLawLevels = 256;

const mu = muLawLevels - 1;
const logOnePlusMu = Math.log1p(mu);

function checkFinite(name: string, value: number, index: number): void {
  if (!Number.isFinite(value)) {
    throw new RangeError(
      `${name}: sample ${index} is ${value}; pass finite samples in [-1, 1] (scale or clip the waveform first).`,
    );
  }
}

/**
 * μ-law companding then quantization of a waveform to 256 levels (ITU-T G.711; WaveNet, van den
 * Oord et al. 2016, section 2.2): `f(x) = sign(x) · ln(1 + μ|x|) / ln(1 + μ)` with `μ = 255`, then
 * `id = ⌊(f(x) + 1) / 2 · μ + ½⌋`, so silence maps to 128 and ±1 to 255 / 0.
 *
 * Samples outside [-1, 1] are clipped first. Works on a typed array (exact, in JS) or on a tensor
 * (inside `tf.tidy`; the result is int32 and carries no gradient).
 *
 * @param samples waveform in [-1, 1] (`Float32Array` or any-shape float32 tensor).
 * @returns ids in [0, 255] (`Int32Array`, or an int32 tensor of the same shape).
 * @example
 * muLawEncode(Float32Array.of(-1, 0, 1)); // Int32Array [0, 128, 255]
 */
export function muLawEncode(samples: Float32Array): Int32Array;
export function muLawEncode(samples: tf.Tensor): tf.Tensor;
export function muLawEncode(samples: Float32Array | tf.Tensor): Int32Array | tf.Tensor {
  if (samples instanceof tf.Tensor) {
    return tf.tidy(() => {
      const clipped = tf.clipByValue(samples.cast('float32'), -1, 1);
      const companded = tf.mul(
        tf.sign(clipped),
        tf.div(tf.log(tf.add(1, tf.mul(mu, tf.abs(clipped)))), logOnePlusMu),
      );
      return tf.floor(tf.add(tf.mul(tf.add(companded, 1), mu / 2), 0.5)).cast('int32');
    });
  }
  const ids = new Int32Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const value = samples[i]!;
    checkFinite('muLawEncode', value, i);
    const clipped = Math.max(-1, Math.min(1, value));
    const companded = (Math.sign(clipped) * Math.log1p(mu * Math.abs(clipped))) / logOnePlusMu;
    ids[i] = Math.floor(((companded + 1) / 2) * mu + 0.5);
  }
  return ids;
}

/**
 * The companded value `y = 2 · id / μ − 1` in [-1, 1] of μ-law ids: what WaveNet reads as its
 * input (a scalar per sample, cheaper than a 256-way one-hot and the same information).
 *
 * @param ids μ-law ids in [0, 255] (`Int32Array` or an int32 tensor).
 * @returns companded values (`Float32Array`, or a float32 tensor of the same shape).
 * @example muLawCompanded(Int32Array.of(0, 255)); // Float32Array [-1, 1]
 */
export function muLawCompanded(ids: Int32Array): Float32Array;
export function muLawCompanded(ids: tf.Tensor): tf.Tensor;
export function muLawCompanded(ids: Int32Array | tf.Tensor): Float32Array | tf.Tensor {
  if (ids instanceof tf.Tensor)
    return tf.tidy(() => tf.sub(tf.mul(ids.cast('float32'), 2 / mu), 1));
  const values = new Float32Array(ids.length);
  for (let i = 0; i < ids.length; i++) values[i] = (2 * ids[i]!) / mu - 1;
  return values;
}

/**
 * Inverse of {@link muLawEncode}: ids in [0, 255] back to a waveform in [-1, 1],
 * `x = sign(y) · ((1 + μ)^|y| − 1) / μ` with `y = 2 · id / μ − 1` (ITU-T G.711; van den Oord et al. 2016).
 *
 * The round trip is exact up to the quantization step (finest near 0: ~1.2e-4 at silence, ~0.03 at ±1).
 *
 * @param ids μ-law ids (`Int32Array` or an int32 tensor); each must be an integer in [0, 255].
 * @returns the waveform (`Float32Array`, or a float32 tensor of the same shape).
 * @example muLawDecode(muLawEncode(Float32Array.of(0.5))); // ≈ Float32Array [0.5]
 */
export function muLawDecode(ids: Int32Array): Float32Array;
export function muLawDecode(ids: tf.Tensor): tf.Tensor;
export function muLawDecode(ids: Int32Array | tf.Tensor): Float32Array | tf.Tensor {
  if (ids instanceof tf.Tensor) {
    return tf.tidy(() => {
      const companded = muLawCompanded(ids);
      return tf.mul(tf.sign(companded), tf.div(tf.sub(tf.pow(1 + mu, tf.abs(companded)), 1), mu));
    });
  }
  const samples = new Float32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!(Number.isInteger(id) && id >= 0 && id <= mu)) {
      throw new RangeError(`muLawDecode: id ${i} is ${id}; μ-law ids are integers in [0, ${mu}].`);
    }
    const companded = (2 * id) / mu - 1;
    samples[i] = (Math.sign(companded) * ((1 + mu) ** Math.abs(companded) - 1)) / mu;
  }
  return samples;
}
