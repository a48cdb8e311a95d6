// The objective each data-parallel worker thread builds for `bert-full-run.mjs --workers N`
// (core's `pretrain({ workers, workload })`): the run's BERT encoder and masked-LM objective from
// the same options. BERT is not batch-coupled (no BatchNorm, no in-batch negatives), so the group
// is not needed; core copies the main thread's weights into the replica.
const distribution = process.env.SELFSUP_MASKED_PREDICTION_DIST
  ? (await import('node:url')).pathToFileURL(process.env.SELFSUP_MASKED_PREDICTION_DIST).href
  : new URL('../dist/index.js', import.meta.url).href;
const { createBert, createBertEncoder } = await import(distribution);

/**
 * @param {{ encoderOptions: object, specialTokens: object, seed: number }} options the run's
 *   encoder options, the tokenizer's special tokens and the seed (JSON).
 */
export function createWorkerBert(options) {
  return createBert({
    encoder: createBertEncoder({ ...options.encoderOptions, seed: options.seed }),
    specialTokens: options.specialTokens,
    seed: options.seed,
  });
}
