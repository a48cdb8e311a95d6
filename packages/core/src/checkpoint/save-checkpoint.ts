import * as tf from '@tensorflow/tfjs';
import type { JsonObject, JsonValue } from '../spec/json';
import type { ObjectiveV1 } from '../spec/objective-v1';
import type { Optimizer } from '../training/optimizers/optimizer';
import {
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointManifest,
  MANIFEST_FILE,
} from './checkpoint-manifest';
import { CORE_VERSION } from './core-version';

/** What {@link saveCheckpoint} records besides the objective's weights. */
export type CheckpointExtra = {
  /** Optimizer steps done. */
  readonly step: number;
  /** The last metrics (loss included). */
  readonly metrics?: Readonly<Record<string, number>>;
  /** The run seed. */
  readonly seed?: number;
  /** The run's `SeededRandom` state. */
  readonly randomState?: readonly number[];
  /** Batches consumed from the data. */
  readonly dataPosition?: number;
  /** Whether the run can be resumed from this checkpoint (its data is a `BatchSourceV1`). @default true */
  readonly resumable?: boolean;
  /** The optimizer whose state goes to `optimizer/`. */
  readonly optimizer?: Optimizer;
  /** A reference to the dataset (name, version, hash). */
  readonly dataset?: JsonValue;
  /** A reference to the tokenizer. */
  readonly tokenizer?: JsonValue;
  /** Training options worth recording. */
  readonly training?: JsonObject;
};

const SAFE_NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * Saves an objective as a checkpoint directory, atomically:
 * `encoder/` and `heads/<name>/` (tfjs layers format: `model.json` + shards, loadable with
 * `tf.loadLayersModel`), `optimizer/` (optimizer state), `state/` (`doGetState()` tensors) and
 * `selfsup.json` (the manifest). Everything is written into a temporary sibling, flushed, then
 * renamed over `directory`; the previous checkpoint there stays intact until the new one is
 * complete. Weights containing NaN/Inf are refused. Node only (uses `node:fs`, imported lazily).
 *
 * @param directory the checkpoint directory (its parent is created if needed).
 * @param objective the objective whose encoder, heads and state are saved.
 * @param extra step, metrics, seed, data position, optimizer and references to record.
 * @returns the manifest written.
 * @example await saveCheckpoint('./runs/simclr/final', objective, { step: 1000, optimizer });
 */
export async function saveCheckpoint(
  directory: string,
  objective: ObjectiveV1<never>,
  extra: CheckpointExtra,
): Promise<CheckpointManifest> {
  const { writeDirectoryAtomically, writeFileDurably, writeNamedTensors } = await import(
    './checkpoint-files'
  );
  const { fileIOHandler } = await import('./file-io-handler');
  const { join } = await import('node:path');
  const headNames = Object.keys(objective.heads).sort();
  for (const name of headNames) {
    if (!SAFE_NAME.test(name)) {
      throw new Error(
        `Head name '${name}' cannot be a directory name: use letters, digits, '_', '-' and '.' only.`,
      );
    }
  }
  if (!Number.isInteger(extra.step) || extra.step < 0)
    throw new RangeError(`step must be an integer ≥ 0, got ${extra.step}.`);
  const encoderConfig = objective.encoder.getConfig();
  const manifest: CheckpointManifest = {
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    kind: 'selfsup-checkpoint',
    method: objective.method,
    step: extra.step,
    seed: extra.seed ?? null,
    randomState: extra.randomState ?? null,
    dataPosition: extra.dataPosition ?? null,
    resumable: extra.resumable ?? true,
    encoder: {
      type: objective.encoder.type,
      config: encoderConfig,
      outputSize: objective.encoder.outputSize,
    },
    objective: objective.getConfig(),
    heads: headNames,
    metrics: { ...(extra.metrics ?? {}) },
    optimizer: extra.optimizer?.getConfig() ?? null,
    hasObjectiveState: objective.doGetState !== undefined,
    dataset: extra.dataset ?? null,
    tokenizer: extra.tokenizer ?? null,
    training: extra.training ?? null,
    packageVersions: { '@selfsup/core': CORE_VERSION, '@tensorflow/tfjs': tf.version_core },
    createdAt: new Date().toISOString(),
  };
  await writeDirectoryAtomically(directory, async (temporary) => {
    await objective.encoder.model.save(
      fileIOHandler(join(temporary, 'encoder'), { rejectNonFinite: true }),
    );
    for (const name of headNames) {
      const head = objective.heads[name];
      if (head !== undefined)
        await head.save(fileIOHandler(join(temporary, 'heads', name), { rejectNonFinite: true }));
    }
    if (extra.optimizer !== undefined) {
      const state = extra.optimizer.getState();
      try {
        await writeNamedTensors(join(temporary, 'optimizer'), state);
      } finally {
        tf.dispose(state);
      }
    }
    if (objective.doGetState !== undefined) {
      const state = objective.doGetState();
      try {
        await writeNamedTensors(join(temporary, 'state'), state);
      } finally {
        tf.dispose(state);
      }
    }
    await writeFileDurably(
      join(temporary, MANIFEST_FILE),
      `${JSON.stringify(manifest, null, 2)}\n`,
    );
  });
  return manifest;
}
