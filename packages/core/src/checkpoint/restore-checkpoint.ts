import * as tf from '@tensorflow/tfjs';
import type { ObjectiveV1 } from '../spec/objective-v1';
import type { Optimizer } from '../training/optimizers/optimizer';
import { CheckpointError } from './checkpoint-error';
import type { CheckpointManifest } from './checkpoint-manifest';
import { readCheckpointManifest } from './read-manifest';

/** Options of {@link restoreCheckpoint}. */
export type RestoreCheckpointOptions = {
  /** Also restore this optimizer's state from `optimizer/`. */
  readonly optimizer?: Optimizer;
};

/** What {@link restoreCheckpoint} returns. */
export type RestoredCheckpoint = {
  /** The checkpoint directory read. */
  readonly directory: string;
  /** Its manifest. */
  readonly manifest: CheckpointManifest;
};

type SavedWeights = {
  readonly file: string;
  readonly tensors: Record<string, tf.Tensor>;
  readonly names: string[];
};

async function readModelWeights(directory: string): Promise<SavedWeights> {
  const { readCheckpointJson } = await import('./checkpoint-files');
  const { MODEL_JSON_FILE, readWeights } = await import('./file-io-handler');
  const { join } = await import('node:path');
  const file = join(directory, MODEL_JSON_FILE);
  const modelJson = (await readCheckpointJson(file)) as Partial<tf.io.ModelJSON>;
  if (!Array.isArray(modelJson.weightsManifest)) {
    throw new CheckpointError(
      file,
      'has no weightsManifest: it is not a tfjs layers model.json. Use another checkpoint.',
    );
  }
  const [specs, data] = await readWeights(directory, modelJson.weightsManifest);
  return { file, tensors: tf.io.decodeWeights(data, specs), names: specs.map((spec) => spec.name) };
}

/**
 * Pairs each weight of `model` with a saved tensor: by name when every weight's name is in the
 * checkpoint, else by position (same architecture rebuilt with other automatic layer names).
 * Checks every shape; throws before anything is assigned.
 */
function matchWeights(
  model: tf.LayersModel,
  saved: SavedWeights,
  label: string,
  manifest: CheckpointManifest,
): [tf.LayerVariable, tf.Tensor][] {
  const weights = model.weights;
  const byName = weights.every((weight) => saved.tensors[weight.originalName] !== undefined);
  if (!byName && weights.length !== saved.names.length) {
    throw new CheckpointError(
      saved.file,
      `holds ${saved.names.length} weights but the objective's ${label} has ${weights.length}: the checkpoint was written for another ` +
        `architecture (encoder config ${JSON.stringify(manifest.encoder.config)}). Build the objective with the checkpoint's config.`,
    );
  }
  return weights.map((weight, index) => {
    const name = byName ? weight.originalName : (saved.names[index] ?? '');
    const tensor = saved.tensors[name];
    if (tensor === undefined || !tf.util.arraysEqual(tensor.shape, weight.shape as number[])) {
      throw new CheckpointError(
        saved.file,
        `weight '${name}' has shape ${JSON.stringify(tensor?.shape)} but the objective's ${label} weight '${weight.originalName}' ` +
          `has shape ${JSON.stringify(weight.shape)}: the checkpoint was written for another architecture (encoder config ` +
          `${JSON.stringify(manifest.encoder.config)}). Build the objective with the checkpoint's config.`,
      );
    }
    return [weight, tensor];
  });
}

/**
 * Restores a checkpoint into an existing objective: encoder and head weights (matched by name, or
 * by position when the layers were renamed, with every shape checked before anything is
 * written), the objective state (`doSetState`), and optionally an optimizer's state. Does not need
 * custom layers registered (weights are read directly). Node only.
 *
 * @param directory a checkpoint directory, or a run directory (its latest `step-N` is used).
 * @param objective the objective to load into; its method must match the checkpoint's.
 * @param options `optimizer` to restore too.
 * @returns the directory read and its manifest.
 * @example
 * const objective = createSimClr({ encoder: createConvNet(config) });
 * const { manifest } = await restoreCheckpoint('./runs/simclr', objective);
 */
export async function restoreCheckpoint(
  directory: string,
  objective: ObjectiveV1<never>,
  options: RestoreCheckpointOptions = {},
): Promise<RestoredCheckpoint> {
  const { pathExists, readNamedTensors, resolveCheckpointDirectory } = await import(
    './checkpoint-files'
  );
  const { join } = await import('node:path');
  const resolved = await resolveCheckpointDirectory(directory);
  const manifest = await readCheckpointManifest(resolved, objective.method);
  const headNames = Object.keys(objective.heads).sort();
  const missing = headNames.filter((name) => !manifest.heads.includes(name));
  const extra = manifest.heads.filter((name) => !headNames.includes(name));
  if (missing.length > 0 || extra.length > 0) {
    throw new CheckpointError(
      join(resolved, 'selfsup.json'),
      `heads [${manifest.heads.join(', ')}] do not match the objective's heads [${headNames.join(', ')}]. ` +
        'Build the objective with the configuration the checkpoint records.',
    );
  }
  const saved: SavedWeights[] = [];
  const release = (): void => {
    for (const item of saved) tf.dispose(item.tensors);
  };
  try {
    saved.push(await readModelWeights(join(resolved, 'encoder')));
    for (const name of headNames) saved.push(await readModelWeights(join(resolved, 'heads', name)));
    const models: [tf.LayersModel, string][] = [
      [objective.encoder.model, 'encoder'],
      ...headNames.map((name): [tf.LayersModel, string] => [
        objective.heads[name] as tf.LayersModel,
        `head '${name}'`,
      ]),
    ];
    const pairs = models.flatMap(([model, label], index) =>
      matchWeights(model, saved[index] as SavedWeights, label, manifest),
    );
    let objectiveState: Record<string, tf.Tensor> | undefined;
    if (manifest.hasObjectiveState && objective.doSetState !== undefined)
      objectiveState = await readNamedTensors(join(resolved, 'state'));
    let optimizerState: Record<string, tf.Tensor> | undefined;
    if (options.optimizer !== undefined) {
      if (!(await pathExists(join(resolved, 'optimizer')))) {
        throw new CheckpointError(
          join(resolved, 'optimizer'),
          'missing: the checkpoint holds no optimizer state, so the run cannot resume exactly. Start a new run from these weights instead.',
        );
      }
      optimizerState = await readNamedTensors(join(resolved, 'optimizer'));
    }
    for (const [weight, tensor] of pairs) weight.write(tensor);
    try {
      if (objectiveState !== undefined) objective.doSetState?.(objectiveState);
      if (optimizerState !== undefined) options.optimizer?.setState(optimizerState);
    } finally {
      tf.dispose(objectiveState);
      tf.dispose(optimizerState);
    }
    return { directory: resolved, manifest };
  } finally {
    release();
  }
}
