import { type BackendInfo, encode, initBackend } from '@selfsup/core';
import { audioSetToTensor, imagesToTensor } from '@selfsup/data';
import type * as tf from '@tensorflow/tfjs';
import { UsageError } from '../commands/parse-flags';
import { clipFormatOf, isAudioData, loadAudioData } from '../datasets/load-audio-data';
import { loadImageData } from '../datasets/load-image-data';
import { datasetOfManifest, openCheckpoint } from '../downstream/open-checkpoint';
import type { CommandOutput } from '../io/command-output';

/** A split encoded by a checkpoint's encoder. */
export type EncodedSplit = {
  readonly checkpoint: string;
  readonly method: string;
  readonly data: string;
  readonly split: 'train' | 'test';
  readonly embeddings: Float32Array;
  readonly rows: number;
  readonly dimension: number;
  readonly labels: Int32Array;
  readonly classNames: readonly string[];
};

/**
 * Encodes the first `limit` images of a split with a checkpoint's encoder (inference mode, in
 * batches): the input of `selfsup embed` and `selfsup project`. For an audio dataset
 * (`synthetic-audio`), `limit` labeled clips (800 by default) in the checkpoint's clip format.
 *
 * @param options checkpoint, data, split, limit, backend.
 * @param output where logs go.
 * @returns the embeddings `[N, D]` (row-major), labels and class names.
 * @example const encoded = await encodeSplit({ checkpoint: 'runs/simclr', split: 'test', limit: 1000 }, output);
 */
export async function encodeSplit(
  options: {
    readonly checkpoint: string;
    readonly data: string | undefined;
    readonly split: 'train' | 'test';
    readonly limit: number | undefined;
    readonly backend: BackendInfo['backend'] | undefined;
  },
  output: CommandOutput,
): Promise<EncodedSplit> {
  await initBackend({
    ...(options.backend === undefined ? {} : { backend: options.backend }),
    onReport: (message) => output.log(message),
  });
  const { manifest, directory, encoder } = await openCheckpoint(options.checkpoint);
  try {
    const data = options.data ?? datasetOfManifest(manifest) ?? 'mnist';
    if (isAudioData(data)) {
      const clips = await loadAudioData(
        data,
        options.split,
        options.limit,
        clipFormatOf(manifest.dataset),
        'embedding',
      );
      const encoded = await encodeInputs(encoder, audioSetToTensor(clips));
      output.log(
        `encoded ${clips.count} ${options.split} clips of ${data} into ${encoded.dimension} dimensions`,
      );
      return {
        checkpoint: directory,
        method: manifest.method,
        data,
        split: options.split,
        ...encoded,
        rows: clips.count,
        labels: Int32Array.from(clips.labels),
        classNames: clips.classNames,
      };
    }
    const dataset = await loadImageData(data, options.split, options.limit, 'embedding');
    const shape = [dataset.height, dataset.width, dataset.channels];
    if (!encoder.inputSpec.shape.every((size, axis) => size === null || size === shape[axis])) {
      throw new UsageError(
        `--data ${data} has images of shape [${shape.join(', ')}], but the checkpoint's encoder takes [${encoder.inputSpec.shape.join(', ')}]: use the data it was pretrained on.`,
      );
    }
    const { embeddings, dimension } = await encodeInputs(encoder, imagesToTensor(dataset));
    output.log(
      `encoded ${dataset.count} ${options.split} images of ${data} into ${dimension} dimensions`,
    );
    return {
      checkpoint: directory,
      method: manifest.method,
      data,
      split: options.split,
      embeddings,
      rows: dataset.count,
      dimension,
      labels: Int32Array.from(dataset.labels),
      classNames: dataset.classNames,
    };
  } finally {
    encoder.dispose();
  }
}

/** Encodes `inputs` (and disposes them): the embeddings `[N, D]` row-major and `D`. */
async function encodeInputs(
  encoder: Parameters<typeof encode>[0],
  inputs: tf.Tensor,
): Promise<{ embeddings: Float32Array; dimension: number }> {
  const features = encode(encoder, inputs);
  inputs.dispose();
  const embeddings = (await features.data()) as Float32Array;
  const dimension = features.shape[1] ?? 1;
  features.dispose();
  return { embeddings, dimension };
}
