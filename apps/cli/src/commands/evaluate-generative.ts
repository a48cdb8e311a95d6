import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandOutput } from '../io/command-output';
import type { MethodRun } from '../methods/open-method-run';
import { parseBackend } from './common-flags';
import { parsePositiveInteger, UsageError } from './parse-flags';

/** What `selfsup evaluate` reports for a generative run (or MAE reconstructions). */
export type GenerativeEvaluation = {
  readonly checkpoint: string;
  readonly method: string;
  readonly data: string;
  /** GPT: mean next-token cross-entropy (nats) on held-out text; PixelCNN: nats per pixel. */
  readonly loss?: number;
  readonly perplexity?: number;
  readonly tokens?: number;
  readonly natsPerImage?: number;
  readonly bitsPerDim?: number;
  readonly images?: number;
  /** WaveNet: nats per sample / ln 2 on held-out clips. */
  readonly bitsPerSample?: number;
  readonly clips?: number;
  readonly maskRatio?: number;
  /** MAE: mean squared error of the reconstruction on the hidden pixels (values in [0, 1]). */
  readonly hiddenPixelError?: number;
  readonly reconstructions?: string;
};

/** The settings a run directory was started with (its `run.json`), when there is one. */
async function runSettings(run: MethodRun, method: string) {
  const { RUN_FILE, readRunFile, resolvePretrainSettings } = await import(
    '../pretrain/pretrain-settings'
  );
  if (!existsSync(join(run.runDirectory, RUN_FILE))) {
    throw new UsageError(
      `no ${RUN_FILE} in ${run.runDirectory}: evaluate needs the run directory written by \`selfsup pretrain ${method}\`.`,
    );
  }
  return resolvePretrainSettings(method, [readRunFile(run.runDirectory)]);
}

/** GPT: perplexity of held-out text (Moby Dick's validation split, or the documents after --limit). */
async function evaluateGpt(
  run: MethodRun,
  testSize: number | undefined,
  output: CommandOutput,
): Promise<GenerativeEvaluation> {
  const settings = await runSettings(run, 'gpt');
  const library = await import('@selfsup/data');
  let text: string;
  if (settings.data === 'moby-dick') {
    text = library.loadMobyDick().validation;
  } else {
    const { loadTextDocuments } = await import('../methods/load-text-documents');
    const all = await loadTextDocuments(settings.data, undefined, 'gpt');
    if (settings.limit === undefined || settings.limit >= all.length) {
      throw new UsageError(
        `the run trained on every document of '${settings.data}', so there is no held-out text to score: pretrain with --limit (the documents after it are held out), or on moby-dick (its validation split).`,
      );
    }
    text = `${all.slice(settings.limit).join('\n')}\n`;
  }
  if (testSize !== undefined) text = text.slice(0, testSize);
  const { TEXT_TOKENIZER_FILE } = await import('../methods/text-method-data');
  const tokenizer = library.loadTokenizer(join(run.runDirectory, TEXT_TOKENIZER_FILE));
  const { loadEncoder } = await import('@selfsup/core');
  const { createGpt, perplexity } = await import('@selfsup/autoregressive');
  const gpt = createGpt({ encoder: (await loadEncoder(run.directory)) as never });
  try {
    const ids = Int32Array.from(tokenizer.encode(text));
    output.log(`evaluate: perplexity of ${ids.length} held-out ${settings.data} tokens…`);
    const result = await perplexity(gpt, ids);
    return {
      checkpoint: run.directory,
      method: 'gpt',
      data: settings.data,
      loss: result.loss,
      perplexity: result.perplexity,
      tokens: result.tokens,
    };
  } finally {
    gpt.dispose();
  }
}

/** PixelCNN: exact negative log-likelihood of test images binarized once (seed 0). */
async function evaluatePixelCnn(
  run: MethodRun,
  testSize: number | undefined,
  output: CommandOutput,
): Promise<GenerativeEvaluation> {
  const settings = await runSettings(run, 'pixelcnn');
  const { loadImageData } = await import('../datasets/load-image-data');
  const dataset = await loadImageData(settings.data, 'test', testSize ?? 1000, 'pixelcnn');
  const { imagesToTensor } = await import('@selfsup/data');
  const { loadEncoder } = await import('@selfsup/core');
  const library = await import('@selfsup/autoregressive');
  library.registerPixelCnnLayers();
  const network = await loadEncoder(run.directory, {
    [library.pixelCnnEncoderType]: library.pixelCnnEncoderFactory,
  });
  const images = imagesToTensor(dataset);
  const binary = library.binarizeImages(images, 0);
  images.dispose();
  try {
    output.log(`evaluate: NLL of ${dataset.count} binarized ${settings.data} test images…`);
    const result = await library.pixelCnnNll(network as never, binary);
    return {
      checkpoint: run.directory,
      method: 'pixel-cnn',
      data: settings.data,
      loss: result.natsPerPixel,
      natsPerImage: result.natsPerImage,
      bitsPerDim: result.bitsPerDim,
      images: result.images,
    };
  } finally {
    binary.dispose();
    network.dispose();
  }
}

/** WaveNet: negative log-likelihood of held-out clips (the test split's fixed seeded set), whole clips. */
async function evaluateWavenet(
  run: MethodRun,
  testSize: number | undefined,
  output: CommandOutput,
): Promise<GenerativeEvaluation> {
  const dataset = run.manifest.dataset as Record<string, unknown> | null;
  const sampleRate = dataset?.sampleRate === 16000 ? 16000 : 8000;
  const duration = typeof dataset?.duration === 'number' ? dataset.duration : 1;
  const { restoreCheckpoint } = await import('@selfsup/core');
  const { audioSetToTensor, syntheticAudioTestSet } = await import('@selfsup/data');
  const { controlFeatures, createWavenetObjective, extractControlTrack } = await import(
    '@selfsup/autoregressive'
  );
  const tf = await import('@tensorflow/tfjs');
  const { type: _type, ...config } = run.manifest.encoder.config as Record<string, unknown>;
  // Seed 2 is the test split of the CLI's synthetic-audio dataset (dataset-registry.ts).
  const clips = syntheticAudioTestSet({ count: testSize ?? 16, seed: 2, sampleRate, duration });
  const objective = createWavenetObjective({ wavenet: config });
  const audio = audioSetToTensor(clips);
  const labels = tf.tensor1d(clips.labels, 'int32');
  // A locally conditioned WaveNet scores each clip given its own control track.
  const { controls: controlCount, controlHop } = objective.wavenet.settings;
  const frames = Math.ceil(clips.samplesPerClip / controlHop);
  let controls: ReturnType<typeof tf.tensor3d> | undefined;
  if (controlCount > 0) {
    const values = new Float32Array(clips.count * frames * controlCount);
    for (let clip = 0; clip < clips.count; clip++) {
      const samples = clips.samples.subarray(
        clip * clips.samplesPerClip,
        (clip + 1) * clips.samplesPerClip,
      );
      values.set(
        controlFeatures(extractControlTrack(samples, { sampleRate, hop: controlHop })),
        clip * frames * controlCount,
      );
    }
    controls = tf.tensor3d(values, [clips.count, frames, controlCount]);
  }
  try {
    await restoreCheckpoint(run.directory, objective as never);
    output.log(`evaluate: NLL of ${clips.count} held-out synthetic-audio clips…`);
    let natsTotal = 0;
    const batchSize = 4;
    for (let start = 0; start < clips.count; start += batchSize) {
      const size = Math.min(batchSize, clips.count - start);
      const loss = tf.tidy(() => {
        const batch = {
          audio: audio.slice([start, 0, 0], [size, -1, -1]) as typeof audio,
          labels: labels.slice([start], [size]),
          ...(controls === undefined
            ? {}
            : { controls: controls.slice([start, 0, 0], [size, -1, -1]) as typeof controls }),
        };
        return objective.doLoss(batch, { step: 0, seed: 0, training: false }).loss;
      });
      natsTotal += ((await loss.data())[0] ?? Number.NaN) * size;
      loss.dispose();
    }
    const natsPerSample = natsTotal / clips.count;
    return {
      checkpoint: run.directory,
      method: 'wavenet',
      data: 'synthetic-audio',
      loss: natsPerSample,
      bitsPerSample: natsPerSample / Math.LN2,
      clips: clips.count,
    };
  } finally {
    audio.dispose();
    labels.dispose();
    controls?.dispose();
    objective.dispose();
  }
}

/** MAE: reconstructions of test images from a random 25% of their patches, as a PNG grid. */
async function evaluateMae(
  run: MethodRun,
  flags: Record<string, unknown>,
  output: CommandOutput,
): Promise<GenerativeEvaluation> {
  const settings = await runSettings(run, 'mae');
  const out = String(flags.reconstructions);
  const count = parsePositiveInteger(flags.testSize ?? 8, '--test-size');
  const maskRatio = flags.maskRatio === undefined ? undefined : Number(flags.maskRatio);
  if (maskRatio !== undefined && !(maskRatio > 0 && maskRatio < 1)) {
    throw new UsageError(
      `--mask-ratio takes a fraction in (0, 1), e.g. 0.75, got '${String(flags.maskRatio)}'.`,
    );
  }
  const { loadImageData } = await import('../datasets/load-image-data');
  const dataset = await loadImageData(settings.data, 'test', count, 'mae');
  const { createEncoder, restoreCheckpoint } = await import('@selfsup/core');
  const { imagesToTensor } = await import('@selfsup/data');
  const { createMae, maeReconstruct, reconstructionGrid } = await import(
    '@selfsup/masked-prediction'
  );
  const tf = await import('@tensorflow/tfjs');
  const { maeMethod } = await import('../methods/mae-method');
  const methodOptions = maeMethod.optionsSchema.parse(settings.methodOptions);
  const encoder = createEncoder({
    ...run.manifest.encoder.config,
    type: run.manifest.encoder.type,
  });
  const mae = createMae({ encoder: encoder as never, seed: settings.seed, ...methodOptions });
  const images = imagesToTensor(dataset);
  try {
    await restoreCheckpoint(run.directory, mae as never);
    const result = maeReconstruct(mae, images, {
      seed: parsePositiveInteger(flags.seed ?? 0, '--seed', 0),
      ...(maskRatio === undefined ? {} : { maskRatio }),
    });
    const error = tf.tidy(() =>
      result.reconstruction
        .sub(images)
        .square()
        .mul(result.pixelMask)
        .sum()
        .div(result.pixelMask.sum().mul(images.shape[3]).maximum(1)),
    );
    const hiddenPixelError = (await error.data())[0] ?? Number.NaN;
    error.dispose();
    const grid = reconstructionGrid(images, result);
    for (const tensor of Object.values(result)) (tensor as { dispose(): void }).dispose();
    const { encodePng } = await import('./png-image');
    const { writeFileAtomically } = await import('../io/atomic-write');
    await writeFileAtomically(out, encodePng(grid));
    output.log(
      `evaluate: ${dataset.count} reconstructions (original | masked | reconstruction | composite) → ${out}`,
    );
    return {
      checkpoint: run.directory,
      method: 'mae',
      data: settings.data,
      images: dataset.count,
      maskRatio: maskRatio ?? (methodOptions.maskRatio as number | undefined) ?? 0.75,
      hiddenPixelError,
      reconstructions: out,
    };
  } finally {
    images.dispose();
    mae.dispose();
  }
}

/**
 * `selfsup evaluate` for generative runs: perplexity of held-out text for GPT, the exact NLL of
 * test images for PixelCNN, the NLL of held-out clips for WaveNet, and for MAE with `--reconstructions <png>` a grid of reconstructions
 * and their error on the hidden pixels. Other runs (and MAE without `--reconstructions`) return
 * undefined: the command then evaluates the features (kNN or a linear probe).
 *
 * @param checkpoint the run or checkpoint directory.
 * @param flags the command's flags.
 * @param output where logs go.
 * @returns the evaluation, or undefined when the run is evaluated by its features.
 * @example const result = await evaluateGenerative('runs/gpt', {}, output); // { perplexity, … }
 */
export async function evaluateGenerative(
  checkpoint: string,
  flags: Record<string, unknown>,
  output: CommandOutput,
): Promise<GenerativeEvaluation | undefined> {
  const { locateCheckpoint } = await import('../methods/open-method-run');
  const located = await locateCheckpoint(checkpoint);
  if (located === undefined) return undefined;
  const { readCheckpointManifest, initBackend } = await import('@selfsup/core');
  const manifest = await readCheckpointManifest(located.directory).catch(() => undefined);
  if (manifest === undefined) return undefined;
  const method = manifest.method;
  const wantsReconstructions = flags.reconstructions !== undefined;
  if (wantsReconstructions && method !== 'mae') {
    throw new UsageError(
      `--reconstructions is for MAE runs, but ${checkpoint} was written by method '${method}': leave it out, or give a run of \`selfsup pretrain mae\`.`,
    );
  }
  const likelihood = ['gpt', 'pixel-cnn', 'wavenet'];
  if (!likelihood.includes(method) && !(method === 'mae' && wantsReconstructions)) {
    return undefined;
  }
  if (wantsReconstructions) {
    const { checkOutputFile } = await import('../io/output-directory');
    checkOutputFile(String(flags.reconstructions), Boolean(flags.force));
  }
  const testSize =
    flags.testSize === undefined ? undefined : parsePositiveInteger(flags.testSize, '--test-size');
  const backend = parseBackend(flags.backend);
  await initBackend({
    ...(backend === undefined ? {} : { backend }),
    onReport: (message) => output.log(message),
  });
  const run: MethodRun = { ...located, manifest };
  if (method === 'gpt') return evaluateGpt(run, testSize, output);
  if (method === 'pixel-cnn') return evaluatePixelCnn(run, testSize, output);
  if (method === 'wavenet') return evaluateWavenet(run, testSize, output);
  return evaluateMae(run, flags, output);
}

/**
 * The one-paragraph summary of a {@link GenerativeEvaluation}.
 *
 * @param result the evaluation.
 * @returns the human-readable lines.
 * @example formatGenerativeEvaluation({ method: 'gpt', perplexity: 4.2, … });
 */
export function formatGenerativeEvaluation(result: GenerativeEvaluation): string {
  if (result.method === 'gpt') {
    return `gpt on held-out ${result.data}: loss ${result.loss?.toFixed(4)} nats/token, perplexity ${result.perplexity?.toFixed(3)} over ${result.tokens} tokens`;
  }
  if (result.method === 'pixel-cnn') {
    return `pixelcnn on ${result.images} ${result.data} test images: ${result.natsPerImage?.toFixed(2)} nats/image, ${result.bitsPerDim?.toFixed(4)} bits/dim`;
  }
  if (result.method === 'wavenet') {
    return `wavenet on ${result.clips} held-out synthetic-audio clips: ${result.loss?.toFixed(4)} nats/sample, ${result.bitsPerSample?.toFixed(4)} bits/sample`;
  }
  return `mae: ${result.images} ${result.data} test images at mask ratio ${result.maskRatio}: hidden-pixel error ${result.hiddenPixelError?.toFixed(4)}; grid in ${result.reconstructions}`;
}
