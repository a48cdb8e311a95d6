import { deriveSeed } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';

/** Options of {@link createProjectionHead}. */
export type ProjectionHeadOptions = {
  /** The model's name (a checkpoint's head name). */
  readonly name: string;
  /** Width of the representation the head reads (the encoder's output size). */
  readonly inputSize: number;
  /** Width of the hidden ReLU layer. */
  readonly hiddenUnits: number;
  /** Width of the projection. */
  readonly outputSize: number;
  /** Seed of the initialisation (each layer's initializer seed is derived from it). */
  readonly seed: number;
};

/**
 * The 2-layer MLP projection head of SimCLR (Chen et al. 2020) and MoCo v2 (Chen et al. 2020):
 * `dense(hidden, ReLU) → dense(output)`, He-normal then Glorot-uniform initialisation. The loss
 * reads its output; the representation before it is what transfers.
 *
 * @param options widths, name and seed.
 * @returns a `tf.Sequential` with layers `projection_hidden` and `projection_output`.
 * @example
 * const head = createProjectionHead({ name: 'simclr_projection', inputSize: 128, hiddenUnits: 128, outputSize: 64, seed: 0 });
 */
export function createProjectionHead(options: ProjectionHeadOptions): tf.Sequential {
  return tf.sequential({
    name: options.name,
    layers: [
      tf.layers.dense({
        inputShape: [options.inputSize],
        units: options.hiddenUnits,
        activation: 'relu',
        // tfjs treats seed 0 as no seed (Math.random): derive non-zero initializer seeds.
        kernelInitializer: tf.initializers.heNormal({ seed: deriveSeed(options.seed, 1) }),
        name: 'projection_hidden',
      }),
      tf.layers.dense({
        units: options.outputSize,
        kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(options.seed, 2) }),
        name: 'projection_output',
      }),
    ],
  });
}
