import type * as tf from '@tensorflow/tfjs';
import type { FileIOHandlerOptions } from './file-io-handler';

/**
 * Creates a Node file-system `tf.io.IOHandler` (no tfjs-node needed) for `model.save()` and
 * `tf.loadLayersModel()`. The `node:fs` code is imported on demand, so browser bundles that never
 * call this do not include it.
 *
 * @param directory the model directory: `model.json` + weight shards.
 * @param options `rejectNonFinite` refuses to save NaN/Inf weights. @default {}
 * @returns the handler.
 * @example
 * await model.save(await createFileIOHandler('./out/encoder'));
 * const loaded = await tf.loadLayersModel(await createFileIOHandler('./out/encoder'));
 */
export async function createFileIOHandler(
  directory: string,
  options: FileIOHandlerOptions = {},
): Promise<tf.io.IOHandler> {
  const { fileIOHandler } = await import('./file-io-handler');
  return fileIOHandler(directory, options);
}
