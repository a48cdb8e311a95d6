import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CheckpointManifest,
  type EncoderFactory,
  type EncoderV1,
  loadCheckpoint,
  loadEncoder,
  MANIFEST_FILE,
  readCheckpointManifest,
  registerLayers,
} from '@selfsup/core';
import { UsageError } from '../commands/parse-flags';
import { methodOfObjective } from '../methods/method-registry';

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
  const encoders = await encoderFactoriesOf(path);
  const checkpoint = await loadCheckpoint(
    path,
    expectedMethod === undefined ? {} : { method: expectedMethod },
  );
  const { manifest, directory } = checkpoint;
  checkpoint.dispose();
  const encoder = await loadEncoder(directory, encoders);
  return { manifest, directory, encoder };
}

/**
 * The encoder factories a checkpoint's method brings (e.g. CPC's `'cpc'` type), after registering
 * their custom layers (which loading the encoder's model needs): read from the manifest of the
 * checkpoint (or of a run directory's latest `step-N`). Empty for core's encoder types, and when
 * no manifest is found (loading then reports what is wrong).
 *
 * @param path the checkpoint or run directory.
 * @returns the factories by encoder type, for `loadEncoder`.
 * @example const encoder = await loadEncoder('runs/cpc', await encoderFactoriesOf('runs/cpc'));
 */
export async function encoderFactoriesOf(path: string): Promise<Record<string, EncoderFactory>> {
  const steps = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((name) => /^step-\d+$/.test(name))
        .sort()
        .reverse()
    : [];
  for (const directory of [path, ...steps.map((name) => join(path, name))]) {
    if (!existsSync(join(directory, MANIFEST_FILE))) continue;
    // A damaged manifest is reported by loadCheckpoint, with what to do.
    const method = await readCheckpointManifest(directory).then(
      (manifest) => manifest.method,
      () => undefined,
    );
    if (method === undefined) return {};
    return { ...(await methodOfObjective(method)?.encoderFactories?.()) };
  }
  return {};
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
