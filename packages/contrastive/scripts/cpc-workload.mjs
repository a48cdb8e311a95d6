// The objective each data-parallel worker thread builds for `cpc-full-run.mjs --workers N`
// (core's `pretrain({ workers, workload })`): the run's CPC encoder and objective from the same
// options, with InfoNCE candidates gathered from every worker, so N workers train the whole
// batch's objective. Core copies the main thread's weights into it.
import { createAudioConvEncoder } from '@selfsup/core';

const contrastive = process.env.SELFSUP_CONTRASTIVE_DIST
  ? (await import('node:url')).pathToFileURL(process.env.SELFSUP_CONTRASTIVE_DIST).href
  : new URL('../dist/index.js', import.meta.url).href;
const { createCpc, createCpcEncoder } = await import(contrastive);

/**
 * The CPC encoder of a run: the conv stack (ReLU, no normalisation) and the context network.
 * `cpc-full-run.mjs` builds its pretrained and random-init encoders with it too.
 *
 * @param {{ channels: number, contextUnits: number, contextNetwork: string, pooling: string,
 *   seed: number }} options the run's architecture and seed.
 */
export function createRunCpcEncoder(options) {
  return createCpcEncoder({
    latent: createAudioConvEncoder({
      channels: options.channels,
      activation: 'relu',
      normalization: 'none',
      seed: options.seed,
    }),
    contextNetwork: options.contextNetwork,
    contextUnits: options.contextUnits,
    pooling: options.pooling,
    seed: options.seed,
  });
}

/**
 * @param {{ channels: number, contextUnits: number, contextNetwork: string, pooling: string,
 *   predictionSteps: number, seed: number }} options the run's architecture and seed (JSON).
 * @param {import('@selfsup/core').CollectiveGroup} group the worker's group.
 */
export function createWorkerCpc(options, group) {
  return createCpc({
    encoder: createRunCpcEncoder(options),
    predictionSteps: options.predictionSteps,
    seed: options.seed,
    group,
  });
}
