import * as tf from '@tensorflow/tfjs';
import { computeOnBackends, expectTensorsClose } from '../../test/compare-tensors';
import { expectNoTensorLeak } from '../../test/expect-no-tensor-leak';

/** Seeded normal values: tensors for `computeOnBackends` built identically on each backend. */
export function seededNormal(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}

/**
 * Asserts that `compute` gives the same values on wasm (selfsup kernels) as on tfjs-cpu
 * (relative norm < 1e-4 and elementwise), output by output.
 */
export async function expectWasmMatchesCpu(
  label: string,
  compute: () => tf.Tensor | tf.Tensor[],
): Promise<void> {
  const { reference, actual } = await computeOnBackends(compute, 'wasm');
  if (reference.length !== actual.length)
    throw new Error(`${label}: ${actual.length} outputs != ${reference.length}`);
  reference.forEach((expected, index) => {
    expectTensorsClose(actual[index]!, expected, { label: `${label} [output ${index}]` });
  });
}

/**
 * Runs `run` on the current backend and throws when it leaves tensors or backend data
 * (intermediates a kernel forgot to free) behind.
 */
export async function expectNoLeak(run: () => tf.Tensor | tf.Tensor[]): Promise<void> {
  const dataBefore = tf.engine().backend.numDataIds();
  await expectNoTensorLeak(() => {
    const outputs = tf.tidy(run);
    const list = Array.isArray(outputs) ? outputs : [outputs];
    for (const output of list) output.dataSync();
    tf.dispose(list);
  });
  const dataAfter = tf.engine().backend.numDataIds();
  if (dataAfter !== dataBefore)
    throw new Error(`Backend data leak: ${dataBefore} data ids before, ${dataAfter} after.`);
}
