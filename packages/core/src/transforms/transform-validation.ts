import type * as tf from '@tensorflow/tfjs';

/**
 * Input checks shared by the transforms, so every transform fails with a message that names the
 * problem and the fix. Internal: not exported from the package.
 */

/** Throws unless `images` is a float32 `[B, H, W, C]` tensor. */
export function assertImages(images: tf.Tensor, transform: string): asserts images is tf.Tensor4D {
  if (images.rank !== 4) {
    throw new Error(
      `${transform}: images must be a [batch, height, width, channels] tensor, got shape ` +
        `${JSON.stringify(images.shape)}. Add a batch axis with images.expandDims(0).`,
    );
  }
  if (images.dtype !== 'float32') {
    throw new Error(
      `${transform}: images must be float32 in [0, 1], got ${images.dtype}. ` +
        `Convert with images.toFloat().div(255).`,
    );
  }
}

/** Throws unless `value` is a probability in [0, 1]. */
export function assertProbability(value: number, name: string): void {
  if (!(value >= 0 && value <= 1)) {
    throw new RangeError(`${name} must be a probability in [0, 1], got ${value}.`);
  }
}

/** Throws unless `range` is `[low, high]` with `minimum ≤ low ≤ high` (and high ≤ maximum). */
export function assertRange(
  range: readonly [number, number],
  name: string,
  minimum: number,
  maximum = Number.POSITIVE_INFINITY,
): void {
  const [low, high] = range;
  if (
    !(
      Number.isFinite(low) &&
      Number.isFinite(high) &&
      low >= minimum &&
      low <= high &&
      high <= maximum
    )
  ) {
    throw new RangeError(
      `${name} must be [low, high] with ${minimum} ≤ low ≤ high` +
        `${Number.isFinite(maximum) ? ` ≤ ${maximum}` : ''}, got ${JSON.stringify(range)}.`,
    );
  }
}

/** Throws unless `value` is a finite number ≥ `minimum`. */
export function assertAtLeast(value: number, name: string, minimum: number): void {
  if (!(Number.isFinite(value) && value >= minimum)) {
    throw new RangeError(`${name} must be a finite number ≥ ${minimum}, got ${value}.`);
  }
}

/** Throws unless `value` is an integer ≥ `minimum`. */
export function assertInteger(value: number, name: string, minimum: number): void {
  if (!(Number.isInteger(value) && value >= minimum)) {
    throw new RangeError(`${name} must be an integer ≥ ${minimum}, got ${value}.`);
  }
}

/** Throws unless `seed` is a finite number (tfjs ops and {@link SeededRandom} need one). */
export function assertSeed(seed: number, transform: string): void {
  if (!Number.isFinite(seed)) {
    throw new TypeError(
      `${transform}: seed must be a finite integer, got ${seed}. Pass e.g. deriveSeed(runSeed, step).`,
    );
  }
}

/** Throws unless `values` holds one entry per example. */
export function assertPerExample(
  values: { length: number },
  batchSize: number,
  name: string,
): void {
  if (values.length !== batchSize) {
    throw new Error(
      `${name} needs one value per example: ${batchSize} expected, got ${values.length}.`,
    );
  }
}
