import { SeededRandom } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { simclrStepFlops } from '../flops/simclr-step-flops';
import type { SimclrConvNetConfig } from '../workloads/workload-configs';
import type { TrainingStep, Workload } from './workload';
import { contrastiveLoss, createAdam, createContrastiveNetwork } from './workload-adapters';

/** The configuration of the SimCLR workload. */
export type SimclrWorkloadConfig = {
  /** Encoder + projection-head shape. */
  readonly network: SimclrConvNetConfig;
  /** Images per step; each appears as two views, so a step processes 2× this many inputs. */
  readonly images: number;
  /** NT-Xent temperature. */
  readonly temperature: number;
  /** Adam learning rate. */
  readonly learningRate: number;
  /** Standard deviation of the noise that makes the second view from the first. */
  readonly viewNoise: number;
};

/**
 * Workload B: SimCLR on a small conv net (256 inputs of 28×28×1 = 128 images × 2 views,
 * conv32-BN-ReLU-pool, conv64-BN-ReLU-pool, dense 128, projection 128→128→64, NT-Xent τ 0.5, Adam 1e-3).
 */
export const simclrBenchConfig: SimclrWorkloadConfig = {
  network: {
    imageSize: 28,
    channels: 1,
    filters: [32, 64],
    representationSize: 128,
    projectionHiddenSize: 128,
    projectionSize: 64,
  },
  images: 128,
  temperature: 0.5,
  learningRate: 1e-3,
  viewNoise: 0.1,
};

/**
 * The workload's fixed views: uniform random images, and the same images with Gaussian noise
 * (clipped to [0, 1]) as the second view, `[images, H, W, C]` each.
 *
 * @param random the generator.
 * @param config the workload configuration.
 * @returns the two views (the caller disposes them).
 * @example const { first, second } = randomViews(new SeededRandom(0), simclrBenchConfig);
 */
export function randomViews(
  random: SeededRandom,
  config: SimclrWorkloadConfig = simclrBenchConfig,
): { first: tf.Tensor4D; second: tf.Tensor4D } {
  const { imageSize, channels } = config.network;
  const pixels = config.images * imageSize * imageSize * channels;
  const first = new Float32Array(pixels);
  const second = new Float32Array(pixels);
  for (let i = 0; i < pixels; i++) {
    const value = random.nextFloat();
    first[i] = value;
    second[i] = Math.min(1, Math.max(0, value + config.viewNoise * random.nextNormal()));
  }
  const shape: [number, number, number, number] = [config.images, imageSize, imageSize, channels];
  return { first: tf.tensor4d(first, shape), second: tf.tensor4d(second, shape) };
}

/**
 * Builds one live SimCLR training step on the current backend: network, Adam and a fixed batch of
 * pre-augmented random views (uniform images; the second view adds Gaussian noise, clipped to
 * [0, 1]), so the loss must fall step after step.
 *
 * @param seed seeds the weights and the images.
 * @param config the workload configuration.
 * @default config {@link simclrBenchConfig}
 * @returns a {@link TrainingStep}.
 * @example const step = createSimclrStep(0); step.step(); step.dispose();
 */
export function createSimclrStep(
  seed: number,
  config: SimclrWorkloadConfig = simclrBenchConfig,
): TrainingStep {
  const random = new SeededRandom(seed);
  const network = createContrastiveNetwork(config.network, random);
  const optimizer = createAdam({ learningRate: config.learningRate });
  const { first, second } = randomViews(random, config);
  const images = tf.concat([first, second]);
  tf.dispose([first, second]);
  const variables = [...network.variables];
  return {
    parameterCount: network.parameterCount,
    step(): number {
      const loss = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(
          () => contrastiveLoss(network.project(images, true), config.temperature),
          variables,
        );
        optimizer.applyGradients(grads, variables);
        return value;
      });
      const value = loss.dataSync()[0]!;
      loss.dispose();
      return value;
    },
    dispose(): void {
      network.dispose();
      optimizer.dispose();
      images.dispose();
    },
  };
}

/** Workload B, the SimCLR conv training step, as the bench runs it. */
export const simclrWorkload: Workload = {
  name: 'simclr',
  kind: 'training',
  description:
    'SimCLR conv step: 256 × 28×28×1 (128 × 2 views), conv32/conv64 + BN, dense 128, proj 128→64, NT-Xent, Adam',
  unit: 'images',
  unitsPerStep: 2 * simclrBenchConfig.images,
  flopsPerStep: simclrStepFlops(simclrBenchConfig.network, 2 * simclrBenchConfig.images),
  referenceScript: 'simclr_step.py',
  createStep: (seed) => createSimclrStep(seed),
};
