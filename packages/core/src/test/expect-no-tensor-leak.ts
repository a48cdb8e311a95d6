import * as tf from '@tensorflow/tfjs';

/**
 * Runs `run` (sync or async) and throws when it leaves more (or fewer) tensors alive than before.
 * Use it around every layer, loss and training step.
 *
 * @example await expectNoTensorLeak(() => tf.tidy(() => layer.apply(x)).dispose());
 */
export async function expectNoTensorLeak(run: () => unknown): Promise<void> {
  const before = tf.memory().numTensors;
  await run();
  const after = tf.memory().numTensors;
  if (after !== before) {
    throw new Error(`Tensor leak: ${before} tensors before, ${after} after (${after - before}).`);
  }
}
