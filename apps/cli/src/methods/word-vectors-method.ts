import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../commands/parse-flags';
import { writeFileAtomically, writeJsonAtomically } from '../io/atomic-write';
import type { CommandOutput } from '../io/command-output';
import { prepareOutputDirectory } from '../io/output-directory';
import type { PretrainRunSettings } from '../pretrain/pretrain-settings';
import type { PretrainRunResult } from '../pretrain/run-pretrain';
import { loadTextDocuments } from './load-text-documents';
import type { MethodDefinition } from './method-definition';

/** `pretrain-settings`' RUN_FILE (not imported: that module imports the method registry). */
const RUN_FILE = 'run.json';

/** The file of a word-vector run that holds the vectors (the word2vec text format). */
export const VECTORS_FILE = 'vectors.txt';

/** The file of a word-vector run that says which method wrote the vectors. */
export const WORD_VECTORS_MANIFEST_FILE = 'word-vectors.json';

/** What `word-vectors.json` records. */
export type WordVectorsManifest = {
  readonly format: 'selfsup-word-vectors';
  readonly version: 1;
  readonly method: 'word2vec' | 'glove';
  readonly data: string;
  readonly words: number;
  readonly dimension: number;
  readonly epochs: number;
  readonly seed: number;
  readonly date: string;
};

const word2vecOptionsSchema = z.strictObject({
  mode: z.enum(['skip-gram', 'cbow']).optional(),
  dimension: z.number().int().positive().optional(),
  window: z.number().int().positive().optional(),
  negatives: z.number().int().positive().optional(),
  minCount: z.number().int().positive().optional(),
  /** Stop after this many minutes (the vectors so far are saved). */
  maxMinutes: z.number().positive().optional(),
});

const gloveOptionsSchema = z.strictObject({
  dimension: z.number().int().positive().optional(),
  window: z.number().int().positive().optional(),
  minCount: z.number().int().positive().optional(),
  maxMinutes: z.number().positive().optional(),
});

/** A trainer's method never goes through core's `pretrain`: these are not called. */
const notAnObjective = (name: string) => (): never => {
  throw new Error(
    `${name} is not an ObjectiveV1: it trains with its own trainer (selfsup pretrain ${name}).`,
  );
};

/**
 * Trains Word2Vec or GloVe as `selfsup pretrain word2vec|glove` does: a word-level tokenizer on the
 * text dataset's documents, the method's own trainer (`--epochs`, `methodOptions.maxMinutes`,
 * Ctrl-C stops and keeps the vectors so far), then `vectors.txt` (word2vec text format),
 * `word-vectors.json`, `run.json` and `result.json` in the run directory, each written atomically.
 */
async function trainWordVectors(
  method: 'word2vec' | 'glove',
  settings: PretrainRunSettings,
  options: { readonly resume: boolean; readonly force: boolean; readonly output: CommandOutput },
): Promise<PretrainRunResult> {
  const { output } = options;
  if (options.resume) {
    throw new UsageError(
      `${method} runs cannot be resumed (its trainer keeps no optimizer checkpoint): start a new run with --force, or a shorter one with methodOptions.maxMinutes.`,
    );
  }
  const schema = method === 'word2vec' ? word2vecOptionsSchema : gloveOptionsSchema;
  const parsed = schema.safeParse(settings.methodOptions);
  if (!parsed.success) {
    throw new UsageError(
      `methodOptions of '${method}': ${parsed.error.issues
        .map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`)
        .join('; ')}.`,
    );
  }
  const { maxMinutes, ...modelOptions } = parsed.data as Record<string, unknown> & {
    maxMinutes?: number;
  };
  const documents = await loadTextDocuments(settings.data, settings.limit, method);
  if (
    !options.force &&
    existsSync(settings.out) &&
    statSync(settings.out).isDirectory() &&
    readdirSync(settings.out).length > 0
  ) {
    throw new UsageError(
      `--out ${settings.out} already holds files (an earlier run?): pass --force to delete and replace them (${method} runs cannot be resumed), or choose another --out.`,
    );
  }
  await prepareOutputDirectory(settings.out, options.force);
  const library = await import('@selfsup/masked-prediction');
  const tokenizer = library.createWordTokenizer(documents);
  const sequences = documents.map((text) => tokenizer.encode(text));
  const epochs = Math.max(1, Math.round(settings.epochs ?? (method === 'word2vec' ? 5 : 25)));
  const controller = new AbortController();
  const onInterrupt = (): void => {
    if (controller.signal.aborted) process.exit(130);
    output.log('\nselfsup: stopping and saving the vectors so far (Ctrl-C again to quit now)…');
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  output.log(
    `pretraining: ${method} on ${settings.data} (${documents.length} documents, ${tokenizer.vocabularySize} words), ${epochs} epochs, out ${settings.out}`,
  );
  await writeJsonAtomically(join(settings.out, RUN_FILE), settings);
  const common = {
    vocabularySize: tokenizer.vocabularySize,
    ignoredIds: [0],
    seed: settings.seed,
    ...modelOptions,
  };
  const started = performance.now();
  let vectors: import('@selfsup/masked-prediction').WordVectors;
  let firstLoss: number;
  let lastLoss: number;
  let aborted: boolean;
  const metrics: string[] = ['epoch,loss,seconds'];
  try {
    if (method === 'word2vec') {
      const { initBackend } = await import('@selfsup/core');
      await initBackend({
        ...(settings.backend === undefined ? {} : { backend: settings.backend }),
        onReport: (message) => output.log(message),
      });
      const model = library.createWord2vec(common as never);
      try {
        const result = await library.trainWord2vec(model, sequences, {
          epochs,
          learningRate: settings.lr,
          signal: controller.signal,
          ...(maxMinutes === undefined ? {} : { maxMinutes }),
          onProgress: (progress) => {
            metrics.push(`${progress.epoch},${progress.loss},${progress.seconds}`);
            output.log(
              `${method}: epoch ${progress.epoch.toFixed(2)} of ${epochs}, loss ${progress.loss.toFixed(4)}, ${progress.wordsPerSecond.toFixed(0)} words/s`,
            );
          },
        });
        ({ firstLoss, lastLoss, aborted } = result);
        vectors = model.wordVectors(tokenizer);
      } finally {
        model.dispose();
      }
    } else {
      const model = library.createGlove(common as never);
      const result = await library.trainGlove(model, sequences, {
        epochs,
        learningRate: settings.lr,
        signal: controller.signal,
        ...(maxMinutes === undefined ? {} : { maxMinutes }),
        onProgress: (progress) => {
          metrics.push(`${progress.epoch},${progress.loss},${progress.seconds}`);
          output.log(
            `${method}: epoch ${progress.epoch}/${epochs}, loss ${progress.loss.toFixed(4)}`,
          );
        },
      });
      ({ firstLoss, lastLoss, aborted } = result);
      vectors = model.wordVectors(tokenizer);
    }
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
  }
  const vectorsPath = join(settings.out, VECTORS_FILE);
  const manifestPath = join(settings.out, WORD_VECTORS_MANIFEST_FILE);
  const metricsPath = join(settings.out, 'metrics.csv');
  await vectors.writeWord2vecText(vectorsPath);
  const manifest: WordVectorsManifest = {
    format: 'selfsup-word-vectors',
    version: 1,
    method,
    data: settings.data,
    words: vectors.size,
    dimension: vectors.dimension,
    epochs,
    seed: settings.seed,
    date: new Date().toISOString(),
  };
  await writeJsonAtomically(manifestPath, manifest);
  await writeFileAtomically(metricsPath, `${metrics.join('\n')}\n`);
  const result: PretrainRunResult = {
    method,
    out: settings.out,
    step: epochs,
    stepsRun: epochs,
    loss: Number.isFinite(lastLoss) ? lastLoss : null,
    metrics: { firstLoss, words: vectors.size, dimension: vectors.dimension },
    seconds: (performance.now() - started) / 1000,
    checkpoint: null,
    resumedFrom: null,
    // Both trainers run in plain JavaScript (Word2Vec's default 'js' engine, GloVe always).
    backend: 'js',
    files: [vectorsPath, manifestPath, metricsPath],
  };
  await writeJsonAtomically(join(settings.out, 'result.json'), result);
  if (aborted) output.log(`${method}: interrupted; the vectors so far are in ${vectorsPath}`);
  return result;
}

/**
 * The word vectors of a `selfsup pretrain word2vec|glove` run directory.
 *
 * @param run the run directory.
 * @param purpose the command that needs them, for error messages.
 * @returns the manifest and the vectors.
 * @throws UsageError for a missing directory, a checkpoint of another method, or damaged files.
 * @example const { vectors } = await loadWordVectorsRun('runs/word2vec');
 */
export async function loadWordVectorsRun(
  run: string,
  purpose = 'similar',
): Promise<{
  readonly manifest: WordVectorsManifest;
  readonly vectors: import('@selfsup/masked-prediction').WordVectors;
}> {
  if (!existsSync(run)) {
    throw new UsageError(
      `${run}: no such run. Give a run directory written by \`selfsup pretrain word2vec\` or \`selfsup pretrain glove\`.`,
    );
  }
  const manifestPath = join(run, WORD_VECTORS_MANIFEST_FILE);
  if (!existsSync(manifestPath)) {
    const other = otherMethodOf(run);
    throw new UsageError(
      `${run} has no ${WORD_VECTORS_MANIFEST_FILE}${other === undefined ? '' : ` (it is a run of method '${other}')`}: ${purpose} needs word vectors, from a run of \`selfsup pretrain word2vec\` or \`selfsup pretrain glove\`.`,
    );
  }
  let manifest: WordVectorsManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as WordVectorsManifest;
  } catch (error) {
    throw new UsageError(
      `${manifestPath} is damaged (${(error as Error).message}): train the vectors again with --force.`,
    );
  }
  if (manifest.format !== 'selfsup-word-vectors') {
    throw new UsageError(
      `${manifestPath} is not a selfsup word-vectors manifest: train the vectors again with --force.`,
    );
  }
  const vectorsPath = join(run, VECTORS_FILE);
  if (!existsSync(vectorsPath)) {
    throw new UsageError(
      `${run} has no ${VECTORS_FILE} (the run did not finish): train the vectors again with --force.`,
    );
  }
  const { WordVectors } = await import('@selfsup/masked-prediction');
  try {
    return { manifest, vectors: WordVectors.fromWord2vecText(readFileSync(vectorsPath, 'utf8')) };
  } catch (error) {
    throw new UsageError(
      `${vectorsPath} is damaged (${(error as Error).message}): train the vectors again with --force.`,
    );
  }
}

/** The method of a run directory written by core's `pretrain` (its `run.json` or a checkpoint's manifest), if any. */
function otherMethodOf(run: string): string | undefined {
  // 'selfsup.json' is core's MANIFEST_FILE (not imported: core loads TensorFlow.js).
  const candidates = [join(run, RUN_FILE), join(run, 'selfsup.json')];
  try {
    const steps = readdirSync(run).filter((name) => /^step-\d+$/.test(name));
    candidates.push(...steps.map((name) => join(run, name, 'selfsup.json')));
  } catch {
    return undefined;
  }
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    try {
      const method = (JSON.parse(readFileSync(path, 'utf8')) as { method?: unknown }).method;
      if (typeof method === 'string') return method;
    } catch {
      // A damaged file tells nothing: try the next one.
    }
  }
  return undefined;
}

const wordVectorsBase = {
  modality: 'text',
  defaultData: 'sotu',
  defaultEncoder: 'none',
  defaultBatchSize: 1,
  prepareData: notAnObjective('word vectors'),
  createObjective: notAnObjective('word vectors'),
} as const;

/**
 * `selfsup pretrain word2vec`: Word2Vec (Mikolov et al. 2013) skip-gram (or CBOW) with negative
 * sampling, the released tool's defaults (window 5, 5 negatives, 100 dimensions, min count 5,
 * learning rate 0.025 decayed linearly, 5 epochs), on the words of a text dataset.
 */
export const word2vecMethod: MethodDefinition = {
  ...wordVectorsBase,
  name: 'word2vec',
  objectiveMethod: 'word2vec',
  description: 'Word2Vec: predict neighbouring words (skip-gram/CBOW, negative sampling)',
  paper: 'Mikolov et al. 2013',
  defaultLearningRate: 0.025,
  optionsSchema: word2vecOptionsSchema,
  train: (settings, options) => trainWordVectors('word2vec', settings, options),
};

/**
 * `selfsup pretrain glove`: GloVe (Pennington, Socher & Manning 2014), weighted least squares on
 * the log co-occurrence counts (windows of 10, x_max 100, α 0.75, AdaGrad at 0.05, 25 epochs).
 */
export const gloveMethod: MethodDefinition = {
  ...wordVectorsBase,
  name: 'glove',
  objectiveMethod: 'glove',
  description: 'GloVe: fit word vectors to global co-occurrence counts',
  paper: 'Pennington, Socher & Manning 2014',
  defaultLearningRate: 0.05,
  optionsSchema: gloveOptionsSchema,
  train: (settings, options) => trainWordVectors('glove', settings, options),
};
