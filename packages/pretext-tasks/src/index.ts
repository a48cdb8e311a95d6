export type {
  FrameOrderBatch,
  FrameOrderPredictionOptions,
  FrameOrderTuples,
} from './frame-order-prediction';
export { createFrameOrderPrediction, sampleFrameOrderTuples } from './frame-order-prediction';
export { framePermutationClass, framePermutationClasses } from './frame-permutations';
export type { RotationPredictionBatch, RotationPredictionOptions } from './rotation-prediction';
export { createRotationPrediction } from './rotation-prediction';
