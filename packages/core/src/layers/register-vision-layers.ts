import * as tf from '@tensorflow/tfjs';
import { BatchNormalization } from './batch-normalization';
import { FusedLstm } from './fused-lstm';
import { LastStatePooling } from './last-state-pooling';
import { TimeReverse } from './time-reverse';

let registered = false;

/**
 * Registers selfsup's vision, audio and recurrent layers (BatchNormalization, FusedLstm,
 * TimeReverse, LastStatePooling) with `tf.serialization`, so `tf.loadLayersModel` can rebuild models that use
 * them. Idempotent; nothing is registered at import time.
 *
 * @example
 * registerVisionLayers();
 * const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
 */
export function registerVisionLayers(): void {
  if (registered) return;
  tf.serialization.registerClass(BatchNormalization);
  tf.serialization.registerClass(FusedLstm);
  tf.serialization.registerClass(TimeReverse);
  tf.serialization.registerClass(LastStatePooling);
  registered = true;
}
