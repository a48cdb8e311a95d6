import {
  LayersEncoder,
  type ModalityV1,
  type PrincipalComponents,
  principalComponents,
} from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import type { FeatureRows } from './feature-rows';

/** Options of {@link createPcaEncoder}. */
export type PcaEncoderOptions = {
  /** Shape of one example, e.g. `[28, 28, 1]` (PCA was fitted on these examples flattened). */
  readonly inputShape: readonly number[];
  /** The modality recorded in the input spec. @default 'image' for rank-3 shapes, else 'vector' */
  readonly modality?: ModalityV1;
  /**
   * Scale each component to unit variance (PCA whitening). @default false (the linear probe
   * standardises its features anyway)
   */
  readonly whiten?: boolean;
};

/** The encoder type PCA encoders record in their config. */
export const pcaEncoderType = 'pca';

/**
 * Fits principal component analysis (Pearson 1901; Hotelling 1933) on unlabeled rows with core's
 * float64 PCA (covariance, then subspace iteration): the unsupervised baseline of the paradigm
 * comparison. Cost N·D²/2 for the covariance: fit on a sample (10,000 MNIST images take a few
 * seconds).
 *
 * @param data unlabeled examples, flattened (e.g. {@link toFeatureRows}).
 * @param components components kept. @default 50
 * @returns mean, components (largest variance first), variances.
 * @example const pca = fitPca(toFeatureRows(images), 50);
 */
export function fitPca(data: FeatureRows, components = 50): PrincipalComponents {
  if (!Number.isInteger(components) || components < 1 || components > data.columns) {
    throw new Error(
      `fitPca: components must be an integer in [1, ${data.columns}], got ${components}.`,
    );
  }
  if (data.rows < 2) throw new Error(`fitPca: needs at least 2 rows, got ${data.rows}.`);
  return principalComponents(data.values, data.rows, data.columns, components);
}

/**
 * A fitted PCA as a frozen `EncoderV1`: an example becomes its coordinates on the components,
 * `(x − μ)·Vᵀ`, through one non-trainable dense layer, so `finetune`'s linear probe, kNN and
 * `encode` work on it as on any pretrained encoder (a 'full' finetune leaves it unchanged).
 *
 * @param pca from {@link fitPca}.
 * @param options input shape, modality, whitening.
 * @returns the encoder (dispose it when done).
 * @example
 * const encoder = createPcaEncoder(fitPca(toFeatureRows(images), 50), { inputShape: [28, 28, 1] });
 * const probe = await finetune(encoder, labeled, { mode: 'linear-probe', numClasses: 10 });
 */
export function createPcaEncoder(
  pca: PrincipalComponents,
  options: PcaEncoderOptions,
): LayersEncoder {
  const { inputShape, whiten = false } = options;
  const modality = options.modality ?? (inputShape.length === 3 ? 'image' : 'vector');
  const inputSize = inputShape.reduce((product, size) => product * size, 1);
  const components = pca.components.length;
  if (pca.mean.length !== inputSize) {
    throw new Error(
      `createPcaEncoder: the PCA was fitted on ${pca.mean.length} values per example but inputShape ${JSON.stringify(inputShape)} has ${inputSize}; pass the shape of the examples it was fitted on.`,
    );
  }
  const kernel = new Float32Array(inputSize * components);
  const bias = new Float32Array(components);
  pca.components.forEach((component, k) => {
    const scale = whiten ? 1 / Math.sqrt(Math.max(pca.variances[k]!, 1e-12)) : 1;
    let projectedMean = 0;
    for (let i = 0; i < inputSize; i++) {
      kernel[i * components + k] = component[i]! * scale;
      projectedMean += pca.mean[i]! * component[i]! * scale;
    }
    bias[k] = -projectedMean;
  });
  const weights = [tf.tensor2d(kernel, [inputSize, components]), tf.tensor1d(bias)];
  const model = tf.sequential({ name: 'pca_encoder' });
  // Vectors `[D]` go straight to the projection; images and other ranks are flattened first.
  if (inputShape.length > 1) {
    model.add(tf.layers.flatten({ inputShape: [...inputShape], name: 'flatten' }));
  }
  // The layer copies its initial weights when it is built (here, on add).
  model.add(
    tf.layers.dense({
      units: components,
      trainable: false,
      name: 'principal_components',
      weights,
      ...(inputShape.length > 1 ? {} : { inputShape: [inputSize] }),
    }),
  );
  tf.dispose(weights);
  return new LayersEncoder({
    type: pcaEncoderType,
    config: { type: pcaEncoderType, components, inputShape: [...inputShape], whiten },
    inputSpec: { modality, shape: [...inputShape], dtype: 'float32' },
    outputSize: components,
    model,
  });
}
