// The objective each data-parallel worker thread builds for `image-full-run.mjs --workers N`
// (core's `pretrain({ workers, workload })`): the run's default ConvNet with SyncBatchNormalization
// (BatchNorm over the global batch) and SimCLR with NT-Xent negatives gathered from every worker,
// so N workers train the whole batch's objective. Core copies the main thread's weights into it.
import { createConvNetEncoder } from '@selfsup/core';

const contrastive = process.env.SELFSUP_CONTRASTIVE_DIST
  ? (await import('node:url')).pathToFileURL(process.env.SELFSUP_CONTRASTIVE_DIST).href
  : new URL('../dist/index.js', import.meta.url).href;
const { createSimclr } = await import(contrastive);

/**
 * @param {{ seed: number, temperature: number, views?: object }} options the run's seed, τ and
 *   views (JSON; default `mnistViewPreset`).
 * @param {import('@selfsup/core').CollectiveGroup} group the worker's group.
 */
export function createWorkerSimclr(options, group) {
  return createSimclr({
    encoder: createConvNetEncoder({ seed: options.seed }, { group }),
    temperature: options.temperature,
    seed: options.seed,
    group,
    ...(options.views === undefined ? {} : { views: options.views }),
  });
}
