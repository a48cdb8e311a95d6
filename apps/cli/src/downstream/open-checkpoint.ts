import { existsSync } from 'node:fs';
import {
  type CheckpointManifest,
  type EncoderV1,
  loadCheckpoint,
  loadEncoder,
  registerLayers,
} from '@selfsup/core';
import { UsageError } from '../commands/parse-flags';

/** A checkpoint's encoder and manifest, opened for downstream use. */
export type OpenedCheckpoint = {
  readonly manifest: CheckpointManifest;
  /** The checkpoint directory actually read (the latest `step-N` of a run directory). */
  readonly directory: string;
  readonly encoder: EncoderV1;
};

/**
 * Opens a checkpoint (a `step-N` directory, or a run directory whose latest checkpoint is used):
 * its manifest and its encoder. With `expectedMethod`, a checkpoint of another method is refused.
 *
 * @param path the checkpoint or run directory.
 * @param expectedMethod the objective method the command needs, if any.
 * @returns the manifest and the encoder (the caller disposes it).
 * @throws UsageError for a missing path; core's CheckpointError for damaged, other-version or other-method checkpoints.
 * @example const { encoder, manifest } = await openCheckpoint('runs/simclr');
 */
export async function openCheckpoint(
  path: string,
  expectedMethod?: string,
): Promise<OpenedCheckpoint> {
  if (!existsSync(path)) {
    throw new UsageError(
      `${path}: no such checkpoint. Give a run directory written by \`selfsup pretrain\` (or one of its step-N folders).`,
    );
  }
  registerLayers();
  const checkpoint = await loadCheckpoint(
    path,
    expectedMethod === undefined ? {} : { method: expectedMethod },
  );
  const { manifest, directory } = checkpoint;
  checkpoint.dispose();
  const encoder = await loadEncoder(directory);
  return { manifest, directory, encoder };
}

/**
 * The dataset id a checkpoint was pretrained on (what pretraining recorded), if any.
 *
 * @param manifest the checkpoint manifest.
 * @returns the id, e.g. `'mnist'`.
 * @example datasetOfManifest(manifest); // 'mnist'
 */
export function datasetOfManifest(manifest: CheckpointManifest): string | undefined {
  const dataset = manifest.dataset;
  if (typeof dataset === 'object' && dataset !== null && !Array.isArray(dataset)) {
    const id = (dataset as Record<string, unknown>).id;
    if (typeof id === 'string') return id;
  }
  return undefined;
}
