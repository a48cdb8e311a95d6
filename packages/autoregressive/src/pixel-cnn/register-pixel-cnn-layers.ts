import * as tf from '@tensorflow/tfjs';
import { GatedPixelCnnBlock } from './gated-pixel-cnn-block';
import { PixelCnnOutputHead } from './pixel-cnn-output-head';

let registered = false;

/**
 * Registers PixelCNN's layers (`GatedPixelCnnBlock`, `PixelCnnOutputHead`) with
 * `tf.serialization`, so `tf.loadLayersModel` (and `loadCheckpoint`/`loadEncoder`) can rebuild a
 * saved PixelCNN. Explicit and idempotent: nothing is registered at import time.
 *
 * @example
 * registerPixelCnnLayers();
 * const encoder = await loadEncoder('runs/pixel-cnn', { 'pixel-cnn': pixelCnnEncoderFactory });
 */
export function registerPixelCnnLayers(): void {
  if (registered) return;
  tf.serialization.registerClass(GatedPixelCnnBlock);
  tf.serialization.registerClass(PixelCnnOutputHead);
  registered = true;
}
