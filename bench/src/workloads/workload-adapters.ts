/**
 * The single place where the bench workloads meet the building blocks they train with.
 *
 * Each adapter is small and says where its implementation comes from ({@link adapterSources}).
 * The workloads train what users train: core's Transformer and ConvNet encoders (with core's
 * BatchNormalization and attention layers), core's AdamW/Adam and gradient clipping, on core's
 * wasm kernels; NT-Xent is `@selfsup/contrastive`'s.
 */

import { ntXentLoss } from '@selfsup/contrastive';
import {
  type CollectiveGroup,
  type ConvNetEncoder,
  type Optimizer as CoreOptimizer,
  clipByGlobalNorm,
  createConvNetEncoder,
  createAdam as createCoreAdam,
  createAdamW as createCoreAdamW,
  createTransformerEncoder,
  type SeededRandom,
  type TrainableParameter,
  type TransformerEncoder,
} from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import type { GptConfig, SimclrConvNetConfig } from '../workloads/workload-configs';

/** A language model the GPT workload trains. */
export type LanguageModel = {
  /** The causal Transformer (its token embeddings are the tied output head). */
  readonly encoder: TransformerEncoder;
  /** Every trainable variable, each once. */
  readonly variables: readonly tf.Variable[];
  /** The number of trainable parameters. */
  readonly parameterCount: number;
  /** Mean next-token cross-entropy of int32 `[B, T]` tokens and targets. */
  loss(tokens: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar;
  /** Frees the weights. */
  dispose(): void;
};

/** An encoder plus projection head the SimCLR workload trains. */
export type ContrastiveNetwork = {
  /** The ConvNet encoder (what transfers). */
  readonly encoder: ConvNetEncoder;
  /** The projection head (representation → projection). */
  readonly projection: tf.Sequential;
  /** Every trainable variable, each once. */
  readonly variables: readonly tf.Variable[];
  /** The number of trainable parameters. */
  readonly parameterCount: number;
  /** Projection-head outputs `[B, P]` of `[B, H, W, C]` images. */
  project(images: tf.Tensor4D, training: boolean): tf.Tensor2D;
  /** Frees the weights. */
  dispose(): void;
};

/** An optimizer the workloads update with. */
export type Optimizer = {
  /** Applies one update from gradients keyed by variable name. */
  applyGradients(gradients: tf.NamedTensorMap, variables: readonly tf.Variable[]): void;
  /** Frees the optimizer state. */
  dispose(): void;
};

/** Where each adapter's implementation comes from; printed with the results and written to --json. */
export const adapterSources = {
  languageModel: '@selfsup/core createTransformerEncoder (causal, pre-LN) + tied LM head',
  contrastiveNetwork: '@selfsup/core createConvNetEncoder (defaults) + 128→128→64 projection',
  adamW: '@selfsup/core createAdamW',
  adam: '@selfsup/core createAdam',
  clipGradients: '@selfsup/core clipByGlobalNorm',
  contrastiveLoss: '@selfsup/contrastive ntXentLoss',
} as const;

/**
 * Builds the GPT language model of workload A.
 *
 * @param config the model shape.
 * @param random the generator of the initial weights.
 * @returns a {@link LanguageModel} on the current backend.
 * @example const model = createLanguageModel(gptBenchConfig.model, new SeededRandom(0));
 */
export function createLanguageModel(config: GptConfig, random: SeededRandom): LanguageModel {
  const encoder = createTransformerEncoder({
    vocabularySize: config.vocabularySize,
    maxLength: config.blockSize,
    embeddingSize: config.dimensions,
    layers: config.layers,
    heads: config.heads,
    causal: true,
    seed: random.nextSeed(),
  });
  const variables = encoder.model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  return {
    encoder,
    variables,
    parameterCount: countParameters(variables),
    loss(tokens, targets) {
      return tf.tidy(() => {
        const features = encoder.doEncodeSequence(tokens, { training: true });
        const rows = tf.reshape(features, [-1, config.dimensions]);
        const logits = tf.matMul(rows, encoder.getTokenEmbeddings(), false, true);
        const labels = tf.oneHot(tf.reshape(targets, [-1]), config.vocabularySize).cast('float32');
        return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
      });
    },
    dispose: () => encoder.dispose(),
  };
}

/**
 * Builds the conv encoder + projection head of workload B.
 *
 * @param config the network shape.
 * @param random the generator of the initial weights.
 * @param group a data-parallel worker's group: the BatchNormalization statistics are then the
 *   global batch's (SyncBN, core's `createConvNetEncoder` build option).
 * @returns a {@link ContrastiveNetwork} on the current backend.
 * @example const network = createContrastiveNetwork(simclrBenchConfig.network, new SeededRandom(0));
 */
export function createContrastiveNetwork(
  config: SimclrConvNetConfig,
  random: SeededRandom,
  group?: CollectiveGroup,
): ContrastiveNetwork {
  const encoder = createConvNetEncoder(
    {
      inputShape: [config.imageSize, config.imageSize, config.channels],
      channels: [...config.filters],
      outputSize: config.representationSize,
      // PyTorch's BatchNorm momentum 0.1 is Keras' 0.9.
      batchNormalizationMomentum: 0.9,
      seed: random.nextSeed(),
    },
    group === undefined ? {} : { group },
  );
  const projection = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [encoder.outputSize],
        units: config.projectionHiddenSize,
        activation: 'relu',
        kernelInitializer: tf.initializers.heNormal({ seed: random.nextSeed() }),
      }),
      tf.layers.dense({
        units: config.projectionSize,
        kernelInitializer: tf.initializers.glorotUniform({ seed: random.nextSeed() }),
      }),
    ],
  });
  const variables = [...encoder.model.trainableWeights, ...projection.trainableWeights].map(
    (weight) => weight.read() as tf.Variable,
  );
  return {
    encoder,
    projection,
    variables,
    parameterCount: countParameters(variables),
    project(images, training) {
      return tf.tidy(
        () => projection.apply(encoder.doEncode(images, { training }), { training }) as tf.Tensor2D,
      );
    },
    dispose() {
      encoder.dispose();
      projection.dispose();
    },
  };
}

/** Trainable parameters only (PyTorch's `parameters()` excludes BatchNorm's running statistics too). */
function countParameters(variables: readonly tf.Variable[]): number {
  return variables.reduce((count, variable) => count + variable.size, 0);
}

function coreOptimizer(optimizer: CoreOptimizer, learningRate: number): Optimizer {
  let parameters: TrainableParameter[] | undefined;
  return {
    applyGradients(gradients, variables) {
      parameters ??= variables.map((variable) => ({
        key: variable.name,
        name: variable.name,
        variable,
      }));
      optimizer.applyGradients(parameters, gradients, learningRate);
    },
    dispose: () => optimizer.dispose(),
  };
}

/**
 * AdamW with decoupled weight decay on matrices (rank ≥ 2), PyTorch's update.
 *
 * @param options learning rate, weight decay and betas.
 * @returns an {@link Optimizer}.
 * @example const optimizer = createAdamW({ learningRate: 1e-3, weightDecay: 0.1, beta1: 0.9, beta2: 0.99 });
 */
export function createAdamW(options: {
  readonly learningRate: number;
  readonly weightDecay: number;
  readonly beta1: number;
  readonly beta2: number;
}): Optimizer {
  const { learningRate, weightDecay, beta1, beta2 } = options;
  return coreOptimizer(createCoreAdamW({ weightDecay, beta1, beta2 }), learningRate);
}

/**
 * Adam (β 0.9/0.999, ε 1e-8), PyTorch's update.
 *
 * @param options the learning rate.
 * @returns an {@link Optimizer}.
 * @example const optimizer = createAdam({ learningRate: 1e-3 });
 */
export function createAdam(options: { readonly learningRate: number }): Optimizer {
  return coreOptimizer(createCoreAdam(), options.learningRate);
}

/**
 * Scales gradients to a global L2 norm of at most `maxNorm` (PyTorch's `clip_grad_norm_`).
 *
 * @param gradients gradients keyed by variable name.
 * @param maxNorm the largest norm allowed.
 * @returns the scaled gradients (call inside `tf.tidy`).
 * @example const clipped = clipGradients(grads, 1.0);
 */
export function clipGradients(gradients: tf.NamedTensorMap, maxNorm: number): tf.NamedTensorMap {
  const { gradients: clipped, norm } = clipByGlobalNorm(gradients, maxNorm);
  norm.dispose();
  return clipped;
}

/**
 * SimCLR's NT-Xent loss of `[2N, D]` projections (rows i and i + N are two views of one image).
 *
 * @param projections the projection-head outputs.
 * @param temperature τ.
 * @param group a data-parallel worker's group: negatives gathered from every worker.
 * @returns the mean loss.
 * @example const loss = contrastiveLoss(projections, 0.5);
 */
export function contrastiveLoss(
  projections: tf.Tensor2D,
  temperature: number,
  group?: CollectiveGroup,
): tf.Scalar {
  return ntXentLoss(projections, temperature, group).loss;
}
