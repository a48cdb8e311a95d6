import type { CheckpointExtra } from '../checkpoint/save-checkpoint';
import type { ObjectiveV1 } from '../spec/objective-v1';
import type { Optimizer } from './optimizers/optimizer';

/**
 * Saves the checkpoint of `extra.step` as `<root>/step-NNNNNNNN` (atomically) and deletes all but
 * the newest `keepLast` of the run. Used by `pretrain()`; imported lazily (Node only).
 *
 * @param root the run directory.
 * @param keepLast checkpoints to keep.
 * @param objective the objective to save.
 * @param extra step, optimizer, data position… (see `saveCheckpoint`).
 * @returns the checkpoint directory written.
 * @example await saveRunCheckpoint('./runs/a', 2, objective, { step: 100, optimizer })
 */
export async function saveRunCheckpoint(
  root: string,
  keepLast: number,
  objective: ObjectiveV1<never>,
  extra: CheckpointExtra,
): Promise<string> {
  const { saveCheckpoint } = await import('../checkpoint/save-checkpoint');
  const { pruneCheckpoints, stepDirectoryName } = await import('../checkpoint/checkpoint-files');
  const { join } = await import('node:path');
  const directory = join(root, stepDirectoryName(extra.step));
  await saveCheckpoint(directory, objective, extra);
  await pruneCheckpoints(root, keepLast);
  return directory;
}

/** What {@link restoreRunCheckpoint} restored. */
export type RestoredRun = {
  readonly directory: string;
  readonly step: number;
  readonly dataPosition: number;
  readonly randomState: readonly number[] | null;
  /** The worker count the run recorded (`training.workers`); null for checkpoints written before it was recorded. */
  readonly workers: number | null;
};

/**
 * Restores a run (weights, objective state, optimizer state) from a checkpoint or a run directory
 * (its latest step), checking that it can continue exactly: resumable data, same seed, same
 * accumulation. Used by `pretrain({ resume })`; imported lazily (Node only).
 *
 * @param directory a checkpoint or run directory.
 * @param objective the objective to restore into.
 * @param optimizer the fresh optimizer to restore into.
 * @param expected the run's seed and accumulation steps.
 * @returns the step, data position, RNG state and worker count to continue from.
 * @example const run = await restoreRunCheckpoint('./runs/a', objective, optimizer, { seed: 0, accumulationSteps: 1 });
 */
export async function restoreRunCheckpoint(
  directory: string,
  objective: ObjectiveV1<never>,
  optimizer: Optimizer,
  expected: { readonly seed: number; readonly accumulationSteps: number },
): Promise<RestoredRun> {
  const { restoreCheckpoint } = await import('../checkpoint/restore-checkpoint');
  const { readCheckpointManifest } = await import('../checkpoint/read-manifest');
  const { resolveCheckpointDirectory } = await import('../checkpoint/checkpoint-files');
  const resolved = await resolveCheckpointDirectory(directory);
  const manifest = await readCheckpointManifest(resolved, objective.method);
  if (!manifest.resumable || manifest.dataPosition === null) {
    throw new Error(
      `${resolved}: this checkpoint was written by a run on a plain iterable, whose data position cannot be restored. ` +
        'Start a new run from its weights (restoreCheckpoint) instead of resuming.',
    );
  }
  if (manifest.seed !== null && manifest.seed !== expected.seed) {
    throw new Error(
      `${resolved}: the run used seed ${manifest.seed} but this call uses seed ${expected.seed}; pass seed: ${manifest.seed} to resume it.`,
    );
  }
  const savedAccumulation = manifest.training?.accumulationSteps;
  if (typeof savedAccumulation === 'number' && savedAccumulation !== expected.accumulationSteps) {
    throw new Error(
      `${resolved}: the run used accumulationSteps ${savedAccumulation} but this call uses ${expected.accumulationSteps}; ` +
        `pass accumulationSteps: ${savedAccumulation} to resume it.`,
    );
  }
  await restoreCheckpoint(resolved, objective, { optimizer });
  return {
    directory: resolved,
    step: manifest.step,
    dataPosition: manifest.dataPosition,
    randomState: manifest.randomState,
    workers:
      typeof manifest.training?.workers === 'number' && Number.isInteger(manifest.training.workers)
        ? manifest.training.workers
        : null,
  };
}

/**
 * Refuses to write into a run directory whose checkpoints belong to another timeline: a fresh
 * run (`resumedStep` undefined) needs a directory without checkpoints, and a resumed run one
 * without checkpoints newer than where it resumes (keepLast would otherwise keep the stale ones).
 *
 * @param root the run directory (`checkpoint.directory`).
 * @param resumedStep the step the run resumes from, if it resumes.
 * @returns nothing; throws with what to do.
 * @example await checkRunDirectory('./runs/a', undefined)
 */
export async function checkRunDirectory(
  root: string,
  resumedStep: number | undefined,
): Promise<void> {
  const { listStepCheckpoints } = await import('../checkpoint/checkpoint-files');
  const latest = (await listStepCheckpoints(root))[0];
  if (latest === undefined) return;
  if (resumedStep === undefined) {
    throw new Error(
      `pretrain(): checkpoint.directory ${root} already holds checkpoints of a run (latest ${latest.directory}). ` +
        'Pass resume: true to continue that run, or choose another directory (or delete it) to start a new one.',
    );
  }
  if (latest.step > resumedStep) {
    throw new Error(
      `pretrain(): resuming at step ${resumedStep}, but checkpoint.directory ${root} holds a later checkpoint (${latest.directory}). ` +
        'Write this run to another checkpoint.directory, or move the later checkpoints away.',
    );
  }
}
