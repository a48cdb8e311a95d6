import { type EncoderV1, SeededRandom, stratifiedSample } from '@selfsup/core';
import { audioSetToTensor, type ImageDataset, imagesToTensor } from '@selfsup/data';
import type * as tf from '@tensorflow/tfjs';
import { UsageError } from '../commands/parse-flags';
import { clipFormatOf, isAudioData, loadAudioData } from '../datasets/load-audio-data';
import { loadImageData } from '../datasets/load-image-data';
import type { TextInputs } from './text-inputs';

/** A labeled pool and a test split as tensors (the caller disposes `inputs`): images `[N, H, W, C]`, clips `[N, T, 1]` or token ids `[N, T]`. */
export type LabeledSplits = {
  readonly pool: { readonly inputs: tf.Tensor; readonly labels: Int32Array };
  readonly test: { readonly inputs: tf.Tensor; readonly labels: Int32Array };
  readonly numClasses: number;
  readonly classNames: readonly string[];
  dispose(): void;
};

/**
 * Loads the labeled pool (the train split, first `poolSize`) and the test split (first
 * `testSize`) of an image dataset, and checks that the encoder takes its images. For an audio
 * dataset (`synthetic-audio`): fixed seeded class-balanced sets of `poolSize` and `testSize` clips
 * (800 each by default) in the clip format the checkpoint was pretrained on. For a text encoder
 * (`text` given): SpamAssassin's fixed leak-free split, each side in a fixed seeded order (the
 * corpus lists its groups one after the other), the first `poolSize` and `testSize` e-mail bodies
 * as token ids.
 *
 * @param data dataset id or image folder.
 * @param encoder the encoder that will see the images.
 * @param sizes `poolSize` and `testSize` limits.
 * @param pretrainedOn the checkpoint manifest's `dataset` (its clip format, for audio).
 * @param text how a text encoder reads documents.
 * @returns the pool, the test split and the class count.
 * @throws UsageError when the image shape does not fit the encoder.
 * @example const splits = await loadLabeledSplits('mnist', encoder, { poolSize: 1000, testSize: 500 });
 */
export async function loadLabeledSplits(
  data: string,
  encoder: EncoderV1,
  sizes: { readonly poolSize: number | undefined; readonly testSize: number | undefined },
  pretrainedOn?: unknown,
  text?: TextInputs,
): Promise<LabeledSplits> {
  if (text !== undefined) return loadTextSplits(data, text, sizes);
  if (isAudioData(data) || encoder.inputSpec.modality === 'audio') {
    return loadAudioSplits(data, encoder, sizes, pretrainedOn);
  }
  const train = await loadImageData(data, 'train', sizes.poolSize, 'finetuning');
  const test = await loadImageData(data, 'test', sizes.testSize, 'evaluation');
  checkShape(train, encoder, data);
  const pool = { inputs: imagesToTensor(train), labels: Int32Array.from(train.labels) };
  const testSet = { inputs: imagesToTensor(test), labels: Int32Array.from(test.labels) };
  return {
    pool,
    test: testSet,
    numClasses: Math.max(train.classNames.length, 2),
    classNames: train.classNames,
    dispose: () => {
      pool.inputs.dispose();
      testSet.inputs.dispose();
    },
  };
}

async function loadTextSplits(
  data: string,
  text: TextInputs,
  sizes: { readonly poolSize: number | undefined; readonly testSize: number | undefined },
): Promise<LabeledSplits> {
  if (data !== 'spam-assassin') {
    throw new UsageError(
      `--data ${data}: a text encoder is compared on labeled e-mails: use --data spam-assassin (spam vs ham).`,
    );
  }
  const { loadSpamAssassin, spamAssassinClassNames } = await import('@selfsup/data');
  const spam = loadSpamAssassin();
  const inSeededOrder = <T>(items: readonly T[], size: number | undefined): T[] => {
    const order = new SeededRandom(0).permutation(items.length);
    return Array.from(order.subarray(0, size ?? items.length), (index) => items[index]!);
  };
  const toSet = (messages: readonly { readonly text: string; readonly label: number }[]) => ({
    inputs: text.encode(messages.map((message) => message.text)),
    labels: Int32Array.from(messages, (message) => message.label),
  });
  const pool = toSet(inSeededOrder(spam.train, sizes.poolSize));
  const test = toSet(inSeededOrder(spam.test, sizes.testSize));
  return {
    pool,
    test,
    numClasses: 2,
    classNames: spamAssassinClassNames,
    dispose: () => {
      pool.inputs.dispose();
      test.inputs.dispose();
    },
  };
}

async function loadAudioSplits(
  data: string,
  encoder: EncoderV1,
  sizes: { readonly poolSize: number | undefined; readonly testSize: number | undefined },
  pretrainedOn: unknown,
): Promise<LabeledSplits> {
  if (encoder.inputSpec.modality !== 'audio') {
    throw new UsageError(
      `--data ${data} holds audio clips, but the checkpoint's encoder takes ${encoder.inputSpec.modality}: use the data it was pretrained on.`,
    );
  }
  const format = clipFormatOf(pretrainedOn);
  const train = await loadAudioData(data, 'train', sizes.poolSize, format, 'finetuning');
  const test = await loadAudioData(data, 'test', sizes.testSize, format, 'evaluation');
  const pool = { inputs: audioSetToTensor(train), labels: Int32Array.from(train.labels) };
  const testSet = { inputs: audioSetToTensor(test), labels: Int32Array.from(test.labels) };
  return {
    pool,
    test: testSet,
    numClasses: train.classNames.length,
    classNames: train.classNames,
    dispose: () => {
      pool.inputs.dispose();
      testSet.inputs.dispose();
    },
  };
}

function checkShape(dataset: ImageDataset, encoder: EncoderV1, data: string): void {
  const shape = [dataset.height, dataset.width, dataset.channels];
  const expected = encoder.inputSpec.shape;
  const fits =
    expected.length === shape.length &&
    expected.every((size, axis) => size === null || size === shape[axis]);
  if (!fits) {
    throw new UsageError(
      `--data ${data} has images of shape [${shape.join(', ')}], but the checkpoint's encoder takes [${expected.join(', ')}]: use the data it was pretrained on.`,
    );
  }
}

/**
 * A stratified subset of `budget` labels of the pool (all of it for `'all'`).
 *
 * @param labels the pool's labels.
 * @param budget labels to draw.
 * @param numClasses the class count.
 * @param seed the draw's seed.
 * @returns the indices.
 * @throws UsageError when the budget cannot hold one label per class or exceeds the pool.
 * @example sampleLabels(labels, 100, 10, 0).length; // 100
 */
export function sampleLabels(
  labels: Int32Array,
  budget: number | 'all',
  numClasses: number,
  seed: number,
): Int32Array {
  try {
    return stratifiedSample(labels, budget, { numClasses, seed });
  } catch (error) {
    throw new UsageError(`--labels ${budget}: ${(error as Error).message}`);
  }
}
