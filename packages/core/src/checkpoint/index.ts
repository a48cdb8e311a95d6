export { CheckpointError } from './checkpoint-error';
export type { CheckpointManifest } from './checkpoint-manifest';
export {
  CHECKPOINT_FORMAT_VERSION,
  checkpointManifestSchema,
  MANIFEST_FILE,
} from './checkpoint-manifest';
export { createFileIOHandler } from './create-file-io-handler';
export type { FileIOHandlerOptions } from './file-io-handler';
export { listCheckpoints } from './list-checkpoints';
export type { LoadedCheckpoint } from './load-checkpoint';
export { loadCheckpoint } from './load-checkpoint';
export { readCheckpointManifest } from './read-manifest';
export type { RestoreCheckpointOptions, RestoredCheckpoint } from './restore-checkpoint';
export { restoreCheckpoint } from './restore-checkpoint';
export type { CheckpointExtra } from './save-checkpoint';
export { saveCheckpoint } from './save-checkpoint';
