/**
 * `@selfsup/baselines`: the other three paradigms, as honest baselines for self-supervision.
 * Unsupervised: PCA (+ probe), K-Means (k-means++) and Gaussian mixtures (EM) with
 * cluster-then-label; all composable as `labelEfficiency` runners.
 */
export { clusteringScores, majorityLabels } from './clustering-metrics';
export type { FeatureRows } from './feature-rows';
export { checkFeatureRows, toFeatureRows } from './feature-rows';
export type { GaussianMixture, GaussianMixtureOptions } from './gaussian-mixture';
export { fitGaussianMixture, predictGaussianMixture } from './gaussian-mixture';
export type { BagOfWordsOptions, InputFeatures } from './input-features';
export { bagOfWordsFeatures, withInputFeatures } from './input-features';
export type { KMeansOptions, KMeansResult } from './k-means';
export { assignToCentroids, kMeans, kMeansPlusPlus } from './k-means';
export type { PcaEncoderOptions } from './pca-encoder';
export { createPcaEncoder, fitPca, pcaEncoderType } from './pca-encoder';
export * from './semi-supervised/index';
export type {
  ClusteringRunnerOptions,
  PcaProbeRunnerOptions,
  UnsupervisedRunnerOptions,
} from './unsupervised-runners';
export { createClusteringRunner, createPcaProbeRunner } from './unsupervised-runners';
