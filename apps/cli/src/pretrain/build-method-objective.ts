import type { CollectiveGroup, EncoderFactory, ObjectiveV1 } from '@selfsup/core';
import type { MethodData, MethodDefinition } from '../methods/method-definition';
import { buildEncoder } from './build-encoder';

/** What a method's objective is built from: the same on the main thread and in every worker. */
export type MethodObjectiveRequest = {
  /** The encoder type (`--encoder`). */
  readonly encoder: string;
  /** The run's encoder options merged with those the data fixes (`MethodData.encoderOptions` win). */
  readonly encoderOptions: Readonly<Record<string, unknown>>;
  /** One example's shape (`MethodData.inputShape`). */
  readonly inputShape: readonly number[];
  /** The run seed. */
  readonly seed: number;
  /** The validated `methodOptions`. */
  readonly options: Readonly<Record<string, unknown>>;
  /** The prepared data (main thread), or the part a worker rebuilds (shape, options, `extra`). */
  readonly data: MethodData;
  /** Factories of the method's encoder types outside core (`MethodDefinition.encoderFactories`). */
  readonly encoders: Readonly<Record<string, EncoderFactory>>;
  /** In a data-parallel worker, its group (SyncBN in a conv-net, gathered negatives). */
  readonly group?: CollectiveGroup;
};

/**
 * Builds a method's objective as `selfsup pretrain` trains it: a fresh encoder of the run's type,
 * options and seed for the data's example shape, wrapped by the method's `createObjective`.
 *
 * The main thread and every `--workers` thread call this with the same request, so that they build
 * the same architecture (core's data-parallel `pretrain` checks it, weight by weight, and copies
 * the main thread's weights into every replica).
 *
 * @param method the method.
 * @param request encoder type, merged encoder options, example shape, seed, method options, data.
 * @returns the objective (the caller disposes it).
 * @throws UsageError when the encoder refuses its options or the method refuses the encoder.
 * @example const objective = await buildMethodObjective(findMethod('gpt'), request);
 */
export async function buildMethodObjective(
  method: MethodDefinition,
  request: MethodObjectiveRequest,
): Promise<ObjectiveV1<unknown>> {
  const encoder = buildEncoder(
    request.encoder,
    request.encoderOptions,
    request.inputShape,
    request.seed,
    request.encoders,
    request.group,
  );
  return method.createObjective({
    encoder,
    data: request.data,
    seed: request.seed,
    options: request.options,
    ...(request.group === undefined ? {} : { group: request.group }),
  });
}
