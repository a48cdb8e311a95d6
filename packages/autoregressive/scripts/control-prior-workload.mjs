// The objective each data-parallel worker thread builds for the control prior of
// `wavenet-full-run.mjs --controls --workers N` (core's `pretrain({ workers, workload })`): the same
// GPT from the same options. A GPT is not batch-coupled, so the group is not needed; core copies the
// main thread's weights into it.
const { createGpt } = await import(new URL('../dist/index.js', import.meta.url).href);

/** @param {object} options the prior's GPT options (JSON: vocabulary, block size, sizes, seed). */
export function createWorkerControlPrior(options) {
  return createGpt(options);
}
