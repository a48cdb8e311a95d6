import { SeededRandom } from '@selfsup/core';

/** One Gamma(shape, 1) draw (Marsaglia & Tsang 2000; the boost `G(a) = G(a + 1)·U^(1/a)` for a < 1). */
function sampleGamma(random: SeededRandom, shape: number): number {
  if (shape < 1) {
    const uniform = Math.max(random.nextFloat(), Number.MIN_VALUE);
    return sampleGamma(random, shape + 1) * uniform ** (1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = random.nextNormal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const uniform = random.nextFloat();
    if (uniform < 1 - 0.0331 * x ** 4) return d * v;
    if (Math.log(Math.max(uniform, Number.MIN_VALUE)) < 0.5 * x * x + d * (1 - v + Math.log(v)))
      return d * v;
  }
}

/**
 * Draws `count` independent Beta(α, β) values from a seed: `X / (X + Y)` with `X ~ Gamma(α)`,
 * `Y ~ Gamma(β)` (Marsaglia & Tsang 2000, "A Simple Method for Generating Gamma Variables").
 * MixMatch (Berthelot et al. 2019) and mixup (Zhang et al. 2018) draw their mixing weight
 * `λ ~ Beta(α, α)`; MixMatch uses α = 0.75.
 *
 * The same seed gives the same values on every platform (pure JavaScript on {@link SeededRandom}).
 *
 * @param alpha α > 0.
 * @param beta β > 0.
 * @param count how many values.
 * @param seed an integer seed.
 * @returns `count` values in [0, 1].
 * @example const lambdas = sampleBeta(0.75, 0.75, 64, deriveSeed(runSeed, step));
 */
export function sampleBeta(alpha: number, beta: number, count: number, seed: number): Float32Array {
  for (const [name, value] of [
    ['alpha', alpha],
    ['beta', beta],
  ] as const) {
    if (!(value > 0) || !Number.isFinite(value))
      throw new RangeError(`sampleBeta needs ${name} > 0, got ${value}.`);
  }
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`sampleBeta needs a count ≥ 0, got ${count}.`);
  if (!Number.isInteger(seed)) throw new Error(`sampleBeta needs an integer seed, got ${seed}.`);
  const random = new SeededRandom(seed);
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const x = sampleGamma(random, alpha);
    const y = sampleGamma(random, beta);
    // Both draws can underflow to 0 for tiny α; the limit is then a fair coin between 0 and 1.
    values[i] = x + y > 0 ? x / (x + y) : random.nextFloat() < alpha / (alpha + beta) ? 1 : 0;
  }
  return values;
}
