import { registerLayers } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { ScalarMix } from './scalar-mix';

let registered = false;

/**
 * Registers the layers of ELMo's biLM (core's layers and {@link ScalarMix}) with tfjs'
 * serialization, so `tf.loadLayersModel` can rebuild a saved biLM. Explicit and idempotent.
 *
 * @example
 * registerElmoLayers();
 * const elmo = ElmoBiLm.fromModel(await tf.loadLayersModel(url), config);
 */
export function registerElmoLayers(): void {
  registerLayers();
  if (registered) return;
  tf.serialization.registerClass(ScalarMix);
  registered = true;
}
