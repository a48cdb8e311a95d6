import * as tf from '@tensorflow/tfjs';
import type { CheckpointManifest } from './checkpoint-manifest';
import { readCheckpointManifest } from './read-manifest';

/** What {@link loadCheckpoint} returns; call `dispose()` when done. */
export type LoadedCheckpoint = {
  /** The checkpoint directory actually read (the latest `step-N` when given a run directory). */
  readonly directory: string;
  /** The validated manifest. */
  readonly manifest: CheckpointManifest;
  /** The encoder's model. */
  readonly encoder: tf.LayersModel;
  /** The heads' models, by name. */
  readonly heads: Readonly<Record<string, tf.LayersModel>>;
  /** The optimizer state, when saved. */
  readonly optimizerState?: Readonly<Record<string, tf.Tensor>>;
  /** The objective state (`doGetState()`), when saved. */
  readonly objectiveState?: Readonly<Record<string, tf.Tensor>>;
  /** Frees every model and tensor above. */
  dispose(): void;
};

/**
 * Loads a checkpoint: the manifest, the encoder and heads as `tf.LayersModel`s (custom layers must
 * be registered beforehand, by their package's explicit registration call), and the optimizer and
 * objective state tensors. Validates every file (missing, truncated, damaged, other format or
 * method) with an error naming the file and what to do. Node only.
 *
 * @param directory a checkpoint directory, or a run directory (its latest `step-N` is used).
 * @param options `method`: refuse a checkpoint of another method.
 * @returns the loaded checkpoint; `dispose()` it when done.
 * @example
 * const checkpoint = await loadCheckpoint('./runs/simclr');
 * const features = checkpoint.encoder.predict(images);
 */
export async function loadCheckpoint(
  directory: string,
  options: { readonly method?: string } = {},
): Promise<LoadedCheckpoint> {
  const { pathExists, readNamedTensors, resolveCheckpointDirectory } = await import(
    './checkpoint-files'
  );
  const { fileIOHandler } = await import('./file-io-handler');
  const { join } = await import('node:path');
  const resolved = await resolveCheckpointDirectory(directory);
  const manifest = await readCheckpointManifest(resolved, options.method);
  const owned: { dispose(): void }[] = [];
  try {
    const encoder = await tf.loadLayersModel(fileIOHandler(join(resolved, 'encoder')));
    owned.push(encoder);
    const heads: Record<string, tf.LayersModel> = {};
    for (const name of manifest.heads) {
      const head = await tf.loadLayersModel(fileIOHandler(join(resolved, 'heads', name)));
      owned.push(head);
      heads[name] = head;
    }
    let optimizerState: Record<string, tf.Tensor> | undefined;
    if (manifest.optimizer !== null || (await pathExists(join(resolved, 'optimizer')))) {
      optimizerState = await readNamedTensors(join(resolved, 'optimizer'));
      owned.push({ dispose: () => tf.dispose(optimizerState) });
    }
    let objectiveState: Record<string, tf.Tensor> | undefined;
    if (manifest.hasObjectiveState) {
      objectiveState = await readNamedTensors(join(resolved, 'state'));
      owned.push({ dispose: () => tf.dispose(objectiveState) });
    }
    return {
      directory: resolved,
      manifest,
      encoder,
      heads,
      ...(optimizerState === undefined ? {} : { optimizerState }),
      ...(objectiveState === undefined ? {} : { objectiveState }),
      dispose: () => {
        for (const item of owned) item.dispose();
      },
    };
  } catch (error) {
    for (const item of owned) item.dispose();
    throw error;
  }
}
