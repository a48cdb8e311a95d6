export type { BatchData, TensorData } from './batch-shards';
export { batchFromData, splitBatch } from './batch-shards';
export { checkDataParallelSupport } from './check-data-parallel-support';
export type { CollectiveGroup } from './collective-ops';
export { allGather, allReduceSum } from './collective-ops';
export type {
  DataParallelStepResult,
  DataParallelTrainerOptions,
  DataParallelTrainingOptions,
  WorkloadReference,
} from './data-parallel-options';
export type { DataParallelPoolOptions } from './data-parallel-pool';
export { DataParallelPool, DataParallelWorkerError } from './data-parallel-pool';
export type { ReplicaStepResult } from './data-parallel-replica';
export { DataParallelReplica } from './data-parallel-replica';
export type { DataParallelTrainer } from './data-parallel-trainer';
export { createDataParallelTrainer } from './data-parallel-trainer';
export { runDataParallelWorker } from './data-parallel-worker';
export type { ReplicaState } from './replica-state';
export { readReplicaState, tensorToData, writeReplicaState } from './replica-state';
export type { ExchangeBuffers } from './shared-memory-group';
export {
  abortExchange,
  createExchangeBuffers,
  DataParallelGroupError,
  SharedMemoryGroup,
} from './shared-memory-group';
export type {
  SyncBatchNormalizationOptions,
  SyncBatchNormalizeResult,
} from './sync-batch-normalization';
export { SyncBatchNormalization, syncBatchNormalize } from './sync-batch-normalization';
export { objectiveVariables, weightsChecksum } from './weights-checksum';
