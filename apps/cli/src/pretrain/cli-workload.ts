import type { CollectiveGroup, JsonObject, ObjectiveV1 } from '@selfsup/core';
import type { MethodData } from '../methods/method-definition';
import { findMethod } from '../methods/method-registry';
import { buildMethodObjective } from './build-method-objective';

/**
 * What a `--workers` thread needs to rebuild a run's objective: JSON, sent to every worker as the
 * options of core's `WorkloadReference`.
 */
export type CliWorkloadOptions = {
  /** The CLI method name (`selfsup pretrain <method>`). */
  readonly method: string;
  /** The encoder type. */
  readonly encoder: string;
  /** The run's encoder options merged with those the data fixes (what the main thread used). */
  readonly encoderOptions: JsonObject;
  /** One example's shape. */
  readonly inputShape: readonly number[];
  /** The run seed. */
  readonly seed: number;
  /** The validated method options. */
  readonly methodOptions: JsonObject;
  /** The run directory (`--out`): where `tokenizer.json` and the like are re-read from. */
  readonly runDirectory: string;
};

/** The export name of {@link createCliObjective}, for core's `WorkloadReference`. */
export const CLI_WORKLOAD_EXPORT = 'createCliObjective';

/**
 * Builds the objective of a `selfsup pretrain` run in a data-parallel worker thread (core's
 * `pretrain({ workers, workload })` imports the built `dist/cli-workload.js` and calls this):
 * the same encoder factory, encoder options, seed and `createObjective` as the main thread, with
 * what the method needs from its data besides the example shape re-read from the run directory
 * (`dataParallel.workerExtra`, e.g. BERT's `tokenizer.json`). Core then overwrites the replica's
 * weights with the main thread's, so only the architecture has to match.
 *
 * @param options the run's description, see {@link CliWorkloadOptions}.
 * @param group the worker's collective group, passed to the encoder and the objective: batch-coupled
 *   methods use it (SimCLR: SyncBN in its conv-net, negatives gathered from every worker).
 * @returns the objective.
 * @throws Error when the method does not train across workers (the CLI refuses it earlier).
 * @example
 * const gpt = await createCliObjective({ method: 'gpt', encoder: 'gpt', encoderOptions: { layers: 1 },
 *   inputShape: [16], seed: 0, methodOptions: {}, runDirectory: 'runs/gpt' });
 */
export async function createCliObjective(
  options: CliWorkloadOptions,
  group?: CollectiveGroup,
): Promise<ObjectiveV1<unknown>> {
  const method = findMethod(options.method);
  const support = method.dataParallel;
  if (support === undefined || support.kind === 'refused') {
    throw new Error(
      `createCliObjective: ${method.name} does not train across worker threads; use --workers 1.`,
    );
  }
  const encoders = (await method.encoderFactories?.()) ?? {};
  const extra = (await support.workerExtra?.(options.runDirectory)) ?? {};
  // A worker never reads batches (the main thread sends shards): the data is its description only.
  const data = {
    inputShape: options.inputShape,
    encoderOptions: options.encoderOptions,
    reference: null,
    extra,
  } as unknown as MethodData;
  return buildMethodObjective(method, {
    encoder: options.encoder,
    encoderOptions: options.encoderOptions,
    inputShape: options.inputShape,
    seed: options.seed,
    options: options.methodOptions,
    data,
    encoders,
    ...(group === undefined ? {} : { group }),
  });
}
