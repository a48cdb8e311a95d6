/**
 * A `tf.io.IOHandler` on the Node file system that needs no tfjs-node. This module imports
 * `node:fs`; import it dynamically (or through {@link createFileIOHandler}) in code that may run
 * in a browser.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CheckpointError } from './checkpoint-error';
import {
  checkWeightBytes,
  readCheckpointFile,
  readCheckpointJson,
  writeFileDurably,
} from './checkpoint-files';

/** The name of a model's topology + manifest file, as tfjs writes it. */
export const MODEL_JSON_FILE = 'model.json';

/** Weight shards are cut at this size, as the tfjs converter does. */
const SHARD_BYTES = 4 * 1024 * 1024;

/** Options of {@link fileIOHandler}. */
export type FileIOHandlerOptions = {
  /** Refuse to save weights that contain NaN or ±Inf. @default false */
  readonly rejectNonFinite?: boolean;
};

function findNonFinite(
  specs: readonly tf.io.WeightsManifestEntry[],
  data: ArrayBuffer,
): string | undefined {
  let offset = 0;
  for (const spec of specs) {
    const elements = spec.shape.reduce((product, size) => product * size, 1);
    if (spec.dtype === 'float32' && spec.quantization === undefined) {
      const values = new Float32Array(data, offset, elements);
      for (const value of values) if (!Number.isFinite(value)) return spec.name;
    }
    offset += elements * (spec.dtype === 'bool' ? 1 : 4);
  }
  return undefined;
}

/**
 * Creates an IO handler that saves a tfjs model as `model.json` + `groupN-shardXofY.bin` shards in
 * `directory` (the standard layers format) and loads it back, validating that every shard exists
 * and holds exactly the bytes its manifest describes. Writes are flushed (fsync).
 *
 * @param directory the model directory (created on save).
 * @param options `rejectNonFinite` to refuse NaN/Inf weights.
 * @returns a handler for `model.save(handler)` and `tf.loadLayersModel(handler)`.
 * @example
 * await model.save(fileIOHandler('/tmp/model'));
 * const copy = await tf.loadLayersModel(fileIOHandler('/tmp/model'));
 */
export function fileIOHandler(
  directory: string,
  options: FileIOHandlerOptions = {},
): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error(
          'fileIOHandler saves layers models (JSON topology), not binary graph models.',
        );
      }
      const specs = artifacts.weightSpecs ?? [];
      const joined =
        artifacts.weightData === undefined
          ? new ArrayBuffer(0)
          : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      if (options.rejectNonFinite === true) {
        const bad = findNonFinite(specs, joined);
        if (bad !== undefined) {
          throw new CheckpointError(
            directory,
            `weight '${bad}' contains NaN or Inf: refusing to write a damaged checkpoint. Lower the learning rate or set clipNorm.`,
          );
        }
      }
      await mkdir(directory, { recursive: true });
      const shardCount = Math.max(1, Math.ceil(joined.byteLength / SHARD_BYTES));
      const paths: string[] = [];
      for (let shard = 0; shard < shardCount; shard++) {
        const path = `group1-shard${shard + 1}of${shardCount}.bin`;
        const bytes = new Uint8Array(
          joined,
          shard * SHARD_BYTES,
          Math.min(SHARD_BYTES, joined.byteLength - shard * SHARD_BYTES),
        );
        await writeFileDurably(join(directory, path), bytes);
        paths.push(path);
      }
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology ?? {},
        weightsManifest: [{ paths, weights: specs }],
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_core}`,
        convertedBy: artifacts.convertedBy ?? null,
      };
      if (artifacts.trainingConfig !== undefined)
        modelJson.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata !== undefined)
        modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      await writeFileDurably(join(directory, MODEL_JSON_FILE), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const modelPath = join(directory, MODEL_JSON_FILE);
      const modelJson = (await readCheckpointJson(modelPath)) as tf.io.ModelJSON;
      if (modelJson.modelTopology === undefined || !Array.isArray(modelJson.weightsManifest)) {
        throw new CheckpointError(
          modelPath,
          'has no modelTopology or weightsManifest: it is not a tfjs layers model.json. Use another checkpoint.',
        );
      }
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) =>
        readWeights(directory, manifest),
      );
    },
  };
}

/** Reads and checks the weight shards of a model directory; returns the specs and the bytes. */
export async function readWeights(
  directory: string,
  manifest: tf.io.WeightsManifestConfig,
): Promise<[tf.io.WeightsManifestEntry[], ArrayBuffer]> {
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  for (const group of manifest) {
    specs.push(...group.weights);
    for (const path of group.paths) {
      const bytes = await readCheckpointFile(join(directory, path));
      buffers.push(
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      );
    }
  }
  const data = tf.io.concatenateArrayBuffers(buffers);
  const shardNames = manifest.flatMap((group) => group.paths).join(', ');
  checkWeightBytes(join(directory, shardNames || MODEL_JSON_FILE), data, specs);
  return [specs, data];
}
