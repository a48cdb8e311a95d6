import {
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  truncate,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import type { ObjectiveV1 } from '../spec/objective-v1';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { createTinyObjective } from '../test/tiny-objective';
import { createAdamW } from '../training/optimizers/adamw';
import { collectTrainableParameters } from '../training/trainable-parameters';
import { createFileIOHandler } from './create-file-io-handler';
import { loadCheckpoint } from './load-checkpoint';
import { restoreCheckpoint } from './restore-checkpoint';
import { saveCheckpoint } from './save-checkpoint';

let root: string;

function weightsOf(objective: ObjectiveV1<tf.Tensor>): number[][] {
  return [objective.encoder.model, ...Object.values(objective.heads)].flatMap((model) =>
    model.weights.map((weight) => Array.from(weight.read().dataSync())),
  );
}

/** An optimizer with one step of state for `objective`. */
function steppedOptimizer(objective: ObjectiveV1<tf.Tensor>): ReturnType<typeof createAdamW> {
  const optimizer = createAdamW();
  const parameters = collectTrainableParameters(objective as ObjectiveV1<never>);
  const gradients = Object.fromEntries(
    parameters.map((parameter) => [parameter.key, tf.onesLike(parameter.variable)]),
  );
  optimizer.applyGradients(parameters, gradients, 0.01);
  tf.dispose(gradients);
  return optimizer;
}

describe('checkpoints', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
    root = await mkdtemp(join(tmpdir(), 'selfsup-checkpoint-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('saves a standard tfjs model with the file IO handler and loads it back without tfjs-node', async () => {
    const objective = createTinyObjective({ seed: 4 });
    const directory = join(root, 'handler');
    await objective.encoder.model.save(await createFileIOHandler(directory));
    expect((await readdir(directory)).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    const loaded = await tf.loadLayersModel(await createFileIOHandler(directory));
    const input = tf.tensor2d([[1, 2, 3, 4]]);
    const expected = objective.encoder.model.predict(input) as tf.Tensor;
    const actual = loaded.predict(input) as tf.Tensor;
    expect(Array.from(actual.dataSync())).toEqual(Array.from(expected.dataSync()));
    tf.dispose([input, expected, actual]);
    loaded.dispose();
    objective.dispose();
  });

  it('writes encoder, heads, optimizer, state and manifest, and loads them all', async () => {
    const objective = createTinyObjective({ seed: 4 });
    objective.doAfterStep?.({ step: 0, seed: 0, training: true });
    const optimizer = steppedOptimizer(objective);
    const directory = join(root, 'full');
    await expectNoTensorLeak(async () => {
      await saveCheckpoint(directory, objective, {
        step: 12,
        metrics: { loss: 0.5 },
        seed: 3,
        dataPosition: 24,
        optimizer,
        dataset: { name: 'tiny', version: 1 },
      });
    });
    expect((await readdir(directory)).sort()).toEqual([
      'encoder',
      'heads',
      'optimizer',
      'selfsup.json',
      'state',
    ]);
    expect(await readdir(join(directory, 'heads'))).toEqual(['decoder']);
    const checkpoint = await loadCheckpoint(directory, { method: 'tiny-reconstruction' });
    const { manifest } = checkpoint;
    expect(manifest).toMatchObject({
      formatVersion: 1,
      method: 'tiny-reconstruction',
      step: 12,
      seed: 3,
      dataPosition: 24,
      heads: ['decoder'],
    });
    expect(manifest.encoder.config).toEqual(objective.encoder.getConfig());
    expect(manifest.optimizer?.name).toBe('adamw');
    expect(manifest.dataset).toEqual({ name: 'tiny', version: 1 });
    expect(manifest.packageVersions['@tensorflow/tfjs']).toBe(tf.version_core);
    expect(
      checkpoint.encoder.weights.map((weight) => Array.from(weight.read().dataSync())),
    ).toEqual(
      objective.encoder.model.weights.map((weight) => Array.from(weight.read().dataSync())),
    );
    expect(Object.keys(checkpoint.heads)).toEqual(['decoder']);
    expect(checkpoint.objectiveState?.stepsSeen?.dataSync()[0]).toBe(1);
    expect(Object.keys(checkpoint.optimizerState ?? {}).sort()).toContain('encoder/0/m');
    checkpoint.dispose();
    optimizer.dispose();
    objective.dispose();
  });

  it('restores into a freshly built objective and optimizer, leaking nothing', async () => {
    const objective = createTinyObjective({ seed: 4 });
    objective.doAfterStep?.({ step: 0, seed: 0, training: true });
    const optimizer = steppedOptimizer(objective);
    const directory = join(root, 'restore');
    await saveCheckpoint(directory, objective, { step: 1, optimizer });
    const fresh = createTinyObjective({ seed: 40 });
    const freshOptimizer = createAdamW();
    expect(weightsOf(fresh)).not.toEqual(weightsOf(objective));
    // Restoring allocates exactly the optimizer's slots (m and v of each weight) and nothing else.
    const slotCount = 2 * collectTrainableParameters(fresh as ObjectiveV1<never>).length;
    const before = tf.memory().numTensors;
    const { manifest } = await restoreCheckpoint(directory, fresh, { optimizer: freshOptimizer });
    expect(manifest.step).toBe(1);
    expect(tf.memory().numTensors - before).toBe(slotCount);
    await expectNoTensorLeak(() =>
      restoreCheckpoint(directory, fresh, { optimizer: freshOptimizer }),
    );
    expect(weightsOf(fresh)).toEqual(weightsOf(objective));
    expect(fresh.stepsSeen()).toBe(1);
    expect(freshOptimizer.iterations).toBe(1);
    const saved = optimizer.getState();
    const restored = freshOptimizer.getState();
    for (const [name, tensor] of Object.entries(saved))
      expect(Array.from(restored[name]?.dataSync() ?? [])).toEqual(Array.from(tensor.dataSync()));
    tf.dispose([saved, restored]);
    for (const item of [optimizer, freshOptimizer, objective, fresh]) item.dispose();
  });

  it('explains a truncated weights file, a missing file and a damaged manifest', async () => {
    const objective = createTinyObjective();
    const directory = join(root, 'damaged');
    await saveCheckpoint(directory, objective, { step: 1 });
    const shard = join(directory, 'encoder', 'group1-shard1of1.bin');
    await truncate(shard, 10);
    await expect(loadCheckpoint(directory)).rejects.toThrow(
      /group1-shard1of1\.bin: holds 10 bytes of weights but its manifest describes \d+: the file is truncated/,
    );
    await expect(restoreCheckpoint(directory, objective)).rejects.toThrow(
      /truncated.*Use another checkpoint/,
    );
    await unlink(shard);
    await expect(loadCheckpoint(directory)).rejects.toThrow(/group1-shard1of1\.bin: missing file/);
    await writeFile(join(directory, 'selfsup.json'), '{ "formatVersion": 1, ');
    await expect(loadCheckpoint(directory)).rejects.toThrow(/selfsup\.json: is not valid JSON/);
    await writeFile(
      join(directory, 'selfsup.json'),
      '{ "formatVersion": 1, "kind": "selfsup-checkpoint" }',
    );
    await expect(loadCheckpoint(directory)).rejects.toThrow(
      /selfsup\.json: is not a valid selfsup checkpoint manifest \(method:/,
    );
    objective.dispose();
  });

  it('refuses a manifest of another method or format version, and weights of another shape', async () => {
    const objective = createTinyObjective();
    const directory = join(root, 'mismatch');
    await saveCheckpoint(directory, objective, { step: 1 });
    const manifestPath = join(directory, 'selfsup.json');
    const original = await readFile(manifestPath, 'utf8');
    await writeFile(manifestPath, original.replace('"tiny-reconstruction"', '"simclr"'));
    await expect(restoreCheckpoint(directory, objective)).rejects.toThrow(
      /selfsup\.json: was written by method 'simclr', but the objective is 'tiny-reconstruction'/,
    );
    await expect(loadCheckpoint(directory, { method: 'mae' })).rejects.toThrow(/method 'simclr'/);
    await writeFile(manifestPath, original.replace('"formatVersion": 1', '"formatVersion": 99'));
    await expect(loadCheckpoint(directory)).rejects.toThrow(
      /format version 99.*Upgrade @selfsup\/core/,
    );
    await writeFile(manifestPath, original);
    const wider = createTinyObjective({ hiddenSize: 5 });
    const before = weightsOf(wider);
    await expect(restoreCheckpoint(directory, wider)).rejects.toThrow(
      /encoder[/\\]model\.json: weight 'tiny_encoder_hidden\/kernel' has shape \[4,8\] but the objective's encoder weight .* has shape \[4,5\].*Build the objective with the checkpoint's config/,
    );
    expect(weightsOf(wider)).toEqual(before); // nothing was half-written
    wider.dispose();
    objective.dispose();
  });

  it('keeps the previous checkpoint intact when a write fails midway, and recovers from a crash between renames', async () => {
    const objective = createTinyObjective({ seed: 8 });
    const directory = join(root, 'atomic');
    await saveCheckpoint(directory, objective, { step: 1 });
    const failing: ObjectiveV1<tf.Tensor> = {
      ...objective,
      method: objective.method,
      doGetState: () => {
        throw new Error('disk full (injected)');
      },
    };
    await expect(saveCheckpoint(directory, failing, { step: 2 })).rejects.toThrow(
      /disk full \(injected\)/,
    );
    expect(await readdir(root)).not.toContain(expect.stringMatching(/partial/));
    const survivor = await loadCheckpoint(directory);
    expect(survivor.manifest.step).toBe(1);
    survivor.dispose();
    // Non-finite weights are refused, and the previous checkpoint stays.
    const kernel = objective.encoder.model.weights[0];
    const original = kernel?.read().clone();
    const nan = tf.fill((kernel?.shape ?? [1]) as number[], Number.NaN);
    kernel?.write(nan);
    nan.dispose();
    await expect(saveCheckpoint(directory, objective, { step: 3 })).rejects.toThrow(
      /weight 'tiny_encoder_hidden\/kernel' contains NaN or Inf: refusing/,
    );
    if (original !== undefined) kernel?.write(original);
    tf.dispose(original);
    const kept = await loadCheckpoint(directory);
    expect(kept.manifest.step).toBe(1);
    kept.dispose();
    // A crash after moving the old checkpoint aside but before the new one arrived.
    await rename(directory, join(root, '.atomic.previous'));
    const recovered = await loadCheckpoint(directory);
    expect(recovered.manifest.step).toBe(1);
    recovered.dispose();
    objective.dispose();
  });
});
