import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendInfo } from '@selfsup/core';
import { UsageError } from '../commands/parse-flags';
import { type PretrainConfig, pretrainConfigSchema } from '../config/pretrain-config';
import { findMethod } from '../methods/method-registry';

/** The file of a run directory that records how the run was started. */
export const RUN_FILE = 'run.json';

/** The settings of one pretraining run, every default filled in (what `run.json` holds). */
export type PretrainRunSettings = {
  readonly method: string;
  readonly data: string;
  readonly limit?: number;
  readonly encoder: string;
  readonly encoderOptions: Readonly<Record<string, unknown>>;
  readonly methodOptions: Readonly<Record<string, unknown>>;
  readonly steps?: number;
  readonly epochs?: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly warmupSteps: number;
  readonly seed: number;
  readonly checkpointEvery?: number;
  readonly out: string;
  readonly backend?: BackendInfo['backend'];
  /** Data-parallel worker threads (1: this thread only). */
  readonly workers: number;
};

/**
 * Merges the sources of a run's settings (a resumed run's `run.json`, then the config file, then
 * the flags: later wins) and fills in the method's defaults.
 *
 * @param method the `<method>` argument.
 * @param layers partial configs, lowest precedence first.
 * @returns the settings.
 * @throws UsageError when the method is unknown, disagrees with a layer, or the length is doubly given.
 * @example resolvePretrainSettings('simclr', [{ steps: 10 }]).batchSize; // 128
 */
export function resolvePretrainSettings(
  method: string,
  layers: readonly PretrainConfig[],
): PretrainRunSettings {
  const definition = findMethod(method);
  let merged: PretrainConfig = {};
  for (const layer of layers) {
    if (layer.method !== undefined && layer.method !== method) {
      throw new UsageError(
        `The run or config is for method '${layer.method}', but the command says '${method}': use \`selfsup pretrain ${layer.method}\`, or another --out/--config.`,
      );
    }
    // A layer that sets steps replaces an epochs of a lower one (and vice versa).
    if (layer.steps !== undefined) merged = { ...merged, epochs: undefined };
    if (layer.epochs !== undefined) merged = { ...merged, steps: undefined };
    merged = { ...merged, ...withoutUndefined(layer) };
  }
  const lengthGiven = merged.steps !== undefined || merged.epochs !== undefined;
  return {
    method,
    data: merged.data ?? definition.defaultData,
    ...(merged.limit === undefined ? {} : { limit: merged.limit }),
    encoder: merged.encoder ?? definition.defaultEncoder,
    // The method's options for its default encoder, under the given ones (top-level keys win).
    encoderOptions:
      (merged.encoder ?? definition.defaultEncoder) === definition.defaultEncoder
        ? { ...definition.defaultEncoderOptions, ...merged.encoderOptions }
        : (merged.encoderOptions ?? {}),
    methodOptions: merged.methodOptions ?? {},
    ...(lengthGiven ? {} : { steps: 1000 }),
    ...(merged.steps === undefined ? {} : { steps: merged.steps }),
    ...(merged.epochs === undefined ? {} : { epochs: merged.epochs }),
    batchSize: merged.batchSize ?? definition.defaultBatchSize,
    lr: merged.lr ?? definition.defaultLearningRate,
    warmupSteps: merged.warmupSteps ?? 0,
    seed: merged.seed ?? 0,
    ...(merged.checkpointEvery === undefined ? {} : { checkpointEvery: merged.checkpointEvery }),
    out: merged.out ?? join('runs', method),
    ...(merged.backend === undefined ? {} : { backend: merged.backend }),
    workers: merged.workers ?? 1,
  };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, entry]) => entry !== undefined),
  ) as Partial<T>;
}

/**
 * The settings a run directory was started with (its `run.json`), for `--resume`.
 *
 * @param out the run directory.
 * @returns the saved settings as a config layer.
 * @throws UsageError when the directory is not a selfsup run.
 * @example const saved = readRunFile('runs/simclr');
 */
export function readRunFile(out: string): PretrainConfig {
  const path = join(out, RUN_FILE);
  if (!existsSync(path)) {
    throw new UsageError(
      `--resume: ${out} has no ${RUN_FILE}, so it is not a run started by \`selfsup pretrain\`. Check --out, or start a new run without --resume.`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(
      `${path} is damaged (not valid JSON: ${(error as Error).message}). Restore it from a copy, or start a new run with --force.`,
    );
  }
  const parsed = pretrainConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new UsageError(
      `${path} is damaged (${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}). Start a new run with --force.`,
    );
  }
  return parsed.data;
}
