import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  type BackendInfo,
  initBackend,
  loadCheckpoint,
  registerLayers,
  restoreCheckpoint,
} from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { UsageError } from '../commands/parse-flags';
import type { CommandOutput } from '../io/command-output';
import { clipMethod, TOKENIZER_FILE } from '../methods/clip-method';
import { buildEncoder } from '../pretrain/build-encoder';
import { RUN_FILE, readRunFile, resolvePretrainSettings } from '../pretrain/pretrain-settings';

/** Options of {@link runZeroShot}. */
export type ZeroShotRunOptions = {
  readonly checkpoint: string;
  readonly classes: readonly string[] | undefined;
  readonly templates: readonly string[] | undefined;
  readonly limit: number;
  readonly predictions: boolean;
  readonly backend: BackendInfo['backend'] | undefined;
};

/** What `selfsup zero-shot` returns. */
export type ZeroShotRunResult = {
  readonly checkpoint: string;
  readonly data: string;
  readonly count: number;
  readonly classes: readonly string[];
  readonly accuracy: number;
  readonly predictions?: readonly string[];
};

/**
 * Zero-shot classification with a CLIP run (Radford et al. 2021): rebuilds the CLIP objective of
 * the run (its `run.json` settings and `tokenizer.json`), restores the checkpoint's weights, embeds
 * one prompt per (class, template) and classifies the run's caption test images by the nearest
 * class embedding (the mean of its normalised prompt embeddings, the paper's prompt ensembling).
 *
 * @param options checkpoint, classes, templates, test size.
 * @param output where logs go.
 * @returns the accuracy (and the predicted class of each image with `predictions`).
 * @throws UsageError for a checkpoint of another method or a run without its tokenizer.
 * @example const { accuracy } = await runZeroShot({ checkpoint: 'runs/clip', limit: 500, ... }, output);
 */
export async function runZeroShot(
  options: ZeroShotRunOptions,
  output: CommandOutput,
): Promise<ZeroShotRunResult> {
  if (!existsSync(options.checkpoint)) {
    throw new UsageError(
      `${options.checkpoint}: no such checkpoint. Give a CLIP run directory (\`selfsup pretrain clip\`).`,
    );
  }
  await initBackend({
    ...(options.backend === undefined ? {} : { backend: options.backend }),
    onReport: (message) => output.log(message),
  });
  registerLayers();
  const contrastive = await import('@selfsup/contrastive');
  contrastive.registerClipLayers();
  const loaded = await loadCheckpoint(options.checkpoint);
  const { manifest, directory } = loaded;
  loaded.dispose();
  if (manifest.method !== 'clip') {
    throw new UsageError(
      `${options.checkpoint} was written by method '${manifest.method}', but zero-shot needs a CLIP checkpoint (image and text encoders): pretrain one with \`selfsup pretrain clip\`.`,
    );
  }
  const runDirectory = [options.checkpoint, dirname(directory)].find((candidate) =>
    existsSync(join(candidate, RUN_FILE)),
  );
  if (runDirectory === undefined || !existsSync(join(runDirectory, TOKENIZER_FILE))) {
    throw new UsageError(
      `${options.checkpoint}: no ${RUN_FILE} and ${TOKENIZER_FILE} beside checkpoint ${basename(directory)}; zero-shot needs a run directory written by \`selfsup pretrain clip\`.`,
    );
  }
  const settings = resolvePretrainSettings('clip', [readRunFile(runDirectory)]);
  const library = await import('@selfsup/data');
  const tokenizer = library.loadTokenizer(join(runDirectory, TOKENIZER_FILE));
  const shapes = settings.data === 'shapes';
  const inputShape = shapes ? [32, 32, 3] : [28, 28, 1];
  const encoder = buildEncoder(
    settings.encoder,
    settings.encoderOptions,
    inputShape,
    settings.seed,
  );
  const methodOptions = clipMethod.optionsSchema.parse(settings.methodOptions);
  const clip = await clipMethod.createObjective({
    encoder,
    data: { source: undefined as never, inputShape, reference: null, extra: { tokenizer } },
    seed: settings.seed,
    options: methodOptions,
  });
  try {
    await restoreCheckpoint(directory, clip as never);
    const test = shapes
      ? library.shapesTestSet({ count: options.limit })
      : library.captionedMnistTestSet({ count: options.limit });
    const images = tf.tidy(() =>
      tf
        .tensor4d(Float32Array.from(test.images), [
          test.count,
          test.height,
          test.width,
          test.channels,
        ])
        .div(255),
    ) as tf.Tensor4D;
    const maxLength = (methodOptions.maxLength as number | undefined) ?? 16;
    const classNames = options.classes ?? test.classNames;
    if (classNames.length !== test.classNames.length) {
      images.dispose();
      throw new UsageError(
        `--classes has ${classNames.length} names but ${settings.data} has ${test.classNames.length} classes (${test.classNames.join(', ')}): give one name per class, in label order.`,
      );
    }
    const prompts =
      options.templates === undefined && options.classes === undefined
        ? shapes
          ? library.shapesZeroShotPrompts()
          : library.mnistZeroShotPrompts()
        : undefined;
    const zeroShotOptions = {
      tokenizer,
      maxLength,
      ...(prompts === undefined
        ? {
            classNames,
            ...(options.templates === undefined ? {} : { templates: options.templates }),
          }
        : { prompts }),
    };
    try {
      const embedder = clip as unknown as Parameters<typeof contrastive.zeroShotClassify>[0];
      const predicted = contrastive.zeroShotClassify(embedder, images, zeroShotOptions);
      let correct = 0;
      predicted.forEach((label, index) => {
        if (label === test.labels[index]) correct++;
      });
      output.log(
        `zero-shot: ${test.count} ${settings.data} test images, ${classNames.length} classes, step ${manifest.step}`,
      );
      return {
        checkpoint: directory,
        data: settings.data,
        count: test.count,
        classes: classNames,
        accuracy: correct / test.count,
        ...(options.predictions
          ? { predictions: Array.from(predicted, (label) => classNames[label] ?? String(label)) }
          : {}),
      };
    } finally {
      images.dispose();
    }
  } finally {
    clip.dispose();
  }
}
