// The objective each data-parallel worker thread builds for `wavenet-full-run.mjs --workers N`
// (core's `pretrain({ workers, workload })`): the run's class-conditional WaveNet and its
// next-sample objective from the same options. WaveNet is not batch-coupled (no BatchNorm, no
// in-batch negatives), so the group is not needed; core copies the main thread's weights into it.
const { createWavenetObjective } = await import(new URL('../dist/index.js', import.meta.url).href);

/**
 * @param {{ wavenet: object, cropLength: number, inputNoise?: number }} options the run's WaveNet
 *   options (with its seed and class count), training window and input noise (JSON).
 */
export function createWorkerWavenet(options) {
  return createWavenetObjective({
    wavenet: options.wavenet,
    cropLength: options.cropLength,
    inputNoise: options.inputNoise,
  });
}
