export type { RotationPredictionBatch, RotationPredictionOptions } from './rotation-prediction';
export { createRotationPrediction } from './rotation-prediction';
