import { registerSequenceLayers } from './register-sequence-layers';
import { registerVisionLayers } from './register-vision-layers';

/**
 * Registers every custom layer of selfsup with tfjs' serialization, so that
 * `tf.loadLayersModel` can rebuild encoders and heads from checkpoints (in Node or in a browser).
 * Explicit and idempotent: nothing is registered at import time.
 *
 * @example
 * registerLayers();
 * const model = await tf.loadLayersModel('checkpoints/step-00001000/encoder/model.json');
 */
export function registerLayers(): void {
  registerSequenceLayers();
  registerVisionLayers();
}
