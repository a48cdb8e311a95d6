/**
 * The replicas of the data-parallel bench workloads: what each worker thread of
 * `createDataParallelTrainer` builds (core's `WorkloadReference`: this module, built as
 * `dist/replicas.js`, an export name and JSON options). Each export wraps the model of the
 * single-thread workload of the same name as an `ObjectiveV1`, so the two time the same work.
 */
import { type CollectiveGroup, type ObjectiveV1, SeededRandom } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { gptBenchConfig } from '../workloads/gpt-workload';
import { simclrBenchConfig } from '../workloads/simclr-workload';
import {
  contrastiveLoss,
  createContrastiveNetwork,
  createLanguageModel,
} from '../workloads/workload-adapters';

/** The JSON options every replica export takes. */
export type ReplicaOptions = {
  /** Seeds the initial weights (the same on every worker, so the replicas start equal). */
  readonly seed: number;
};

/** A GPT batch: int32 `[B, T]` inputs and their next tokens. */
export type TokenBatch = { readonly tokens: tf.Tensor2D; readonly targets: tf.Tensor2D };

/** A SimCLR batch: the two views `[N, H, W, C]` of the same N images (row i of each from image i). */
export type TwoViewBatch = { readonly first: tf.Tensor4D; readonly second: tf.Tensor4D };

/**
 * The `gpt` workload's model (nanoGPT CPU config, tied head) as an objective: mean next-token
 * cross-entropy of a worker's shard. Not batch-coupled, so the group is not used.
 *
 * @param options the seed.
 * @returns the objective.
 * @example const gpt = createGptReplica({ seed: 0 });
 */
export function createGptReplica(options: ReplicaOptions): ObjectiveV1<TokenBatch> {
  const model = createLanguageModel(gptBenchConfig.model, new SeededRandom(options.seed));
  return {
    specificationVersion: 'v1',
    method: 'bench-gpt',
    encoder: model.encoder,
    heads: {},
    getConfig: () => ({ seed: options.seed }),
    doLoss: (batch) => ({ loss: model.loss(batch.tokens, batch.targets) }),
    dispose: () => model.dispose(),
  };
}

/**
 * The `simclr` workload's network (conv32/conv64 + BN, dense 128, projection 128→64) as an
 * objective, batch-coupled the way SimCLR needs across workers: BatchNormalization statistics over
 * the global batch (SyncBN) and NT-Xent negatives gathered from every worker, so N workers compute
 * what one computes on the whole batch.
 *
 * @param options the seed.
 * @param group the worker's group (a one-worker group of this process when omitted).
 * @returns the objective.
 * @example const simclr = createSimclrReplica({ seed: 0 }, group);
 */
export function createSimclrReplica(
  options: ReplicaOptions,
  group?: CollectiveGroup,
): ObjectiveV1<TwoViewBatch> {
  const network = createContrastiveNetwork(
    simclrBenchConfig.network,
    new SeededRandom(options.seed),
    group,
  );
  return {
    specificationVersion: 'v1',
    method: 'bench-simclr',
    encoder: network.encoder,
    heads: { projection: network.projection },
    getConfig: () => ({ seed: options.seed }),
    doLoss: (batch) =>
      tf.tidy(() => ({
        loss: contrastiveLoss(
          network.project(tf.concat([batch.first, batch.second]), true),
          simclrBenchConfig.temperature,
          group,
        ),
      })),
    dispose: () => network.dispose(),
  };
}
