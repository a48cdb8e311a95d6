import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../commands/parse-flags';
import type { MethodDefinition } from '../methods/method-definition';
import { methods } from '../methods/method-registry';
import { latestCheckpointIn } from './latest-checkpoint';

/**
 * Checks that a method may train with `--workers N`, before any data is loaded: one worker is
 * always allowed; more need a method whose loss N workers compute as one does
 * (`MethodDefinition.dataParallel` of kind `exact` or `in-distribution`, see
 * `DataParallelSupport`), and a batch size that splits evenly across the workers (core's
 * `pretrain({ workers })` gives every worker `batchSize / N` examples of each batch).
 *
 * @param method the method.
 * @param workers the worker count (`--workers`, the config's `workers`, or the checkpoint's).
 * @param encoder the encoder type, checked against the method's `dataParallel.encoders`.
 * @param batchSize examples per step.
 * @returns a note for the log when the count is more than this machine's cores, else undefined.
 * @throws UsageError naming the reason (batch-coupled method, own trainer, uneven batch) and the fix.
 * @example checkWorkers(findMethod('gpt'), 2, 12); // undefined: 6 examples per worker
 */
export function checkWorkers(
  method: MethodDefinition,
  workers: number,
  batchSize: number,
  encoder?: string,
): string | undefined {
  if (workers === 1) return undefined;
  if (method.train !== undefined) {
    throw new UsageError(
      `--workers ${workers}: ${method.name} trains with its own single-threaded trainer, not core's pretrain, so it cannot use worker threads. Use --workers 1 (the default).`,
    );
  }
  const support = method.dataParallel;
  if (support === undefined || support.kind === 'refused') {
    const reason =
      support?.reason ??
      `${method.name}'s loss has not been checked for training across workers (batch statistics or in-batch negatives would need SyncBatchNormalization/allGather)`;
    throw new UsageError(
      `--workers ${workers}: ${method.name} cannot train across worker threads yet: ${reason}. Use --workers 1 (the default); --workers > 1 works for ${dataParallelMethodsHint()}.`,
    );
  }
  if (
    encoder !== undefined &&
    support.encoders !== undefined &&
    !support.encoders.includes(encoder)
  ) {
    throw new UsageError(
      `--workers ${workers}: ${method.name} with the '${encoder}' encoder cannot train across worker threads: its batch statistics are synchronised across workers only for ${support.encoders.map((name) => `'${name}'`).join(', ')}. Use --encoder ${support.encoders[0]}, or --workers 1.`,
    );
  }
  if (batchSize % workers !== 0) {
    const below = batchSize - (batchSize % workers);
    const above = below + workers;
    throw new UsageError(
      `--workers ${workers}: the batch size ${batchSize} does not split evenly across ${workers} workers (each worker trains on batchSize / workers examples). ` +
        `Use a batch size that is a multiple of ${workers} (e.g. --batch-size ${below > 0 ? `${below} or ${above}` : above}), or another --workers.`,
    );
  }
  const cores = availableParallelism();
  return workers > cores
    ? `note: --workers ${workers} is more than this machine's ${cores} cores; the workers will share them (slower than --workers ${cores}).`
    : undefined;
}

/** The methods that may use `--workers` > 1, for messages and `--help`. */
export function dataParallelMethodsHint(): string {
  return methods
    .filter((method) => method.dataParallel !== undefined && method.dataParallel.kind !== 'refused')
    .map((method) => method.name)
    .join(', ');
}

/**
 * The worker count the newest complete checkpoint of a run directory recorded
 * (`selfsup.json` → `training.workers`), for `--resume` without `--workers`.
 *
 * @param out the run directory.
 * @returns the count; 1 for checkpoints written before counts were recorded; undefined when the
 *   directory has no complete checkpoint (core then reports what is missing).
 * @example recordedWorkers('runs/gpt'); // 2 after `selfsup pretrain gpt --workers 2 --out runs/gpt`
 */
export function recordedWorkers(out: string): number | undefined {
  const newest = latestCheckpointIn(out);
  if (newest === undefined) return undefined;
  try {
    const manifest = JSON.parse(readFileSync(join(newest, 'selfsup.json'), 'utf8')) as {
      training?: { workers?: unknown };
    };
    const workers = manifest.training?.workers;
    return typeof workers === 'number' && Number.isInteger(workers) && workers >= 1 ? workers : 1;
  } catch {
    // A damaged manifest: core's resume reports it with the fix.
    return undefined;
  }
}
