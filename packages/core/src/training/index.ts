export { clipByGlobalNorm, globalNorm } from './clip-by-global-norm';
export * from './data-parallel/index';
export type { LearningRateScheduleOptions, ScheduleName } from './learning-rate-schedule';
export { createLearningRateSchedule } from './learning-rate-schedule';
export * from './optimizers/index';
export { prefetch } from './prefetch';
export type { PretrainData } from './pretrain';
export { pretrain } from './pretrain';
export type {
  PretrainCheckpointOptions,
  PretrainOptions,
  PretrainSettings,
} from './pretrain-options';
export { parsePretrainOptions, pretrainOptionsSchema } from './pretrain-options';
export type { PretrainProgressEvent } from './pretrain-progress-event';
export type { PretrainResult } from './pretrain-result';
export { collectTrainableParameters } from './trainable-parameters';
export { NonFiniteLossError, TrainingAbortedError } from './training-errors';
