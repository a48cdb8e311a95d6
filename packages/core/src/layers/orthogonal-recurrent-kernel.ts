import * as tf from '@tensorflow/tfjs';
import { SeededRandom } from '../random/seeded-random';

/**
 * A seeded `[rows, blocks·rows]` recurrent kernel of `blocks` orthogonal `[rows, rows]` blocks (one
 * per gate: 4 for an LSTM, 3 for a GRU), by Gram–Schmidt on normal samples: Keras' orthogonal
 * recurrent initializer without tfjs' slow QR.
 *
 * @param rows the recurrent state size.
 * @param blocks the number of gates.
 * @param seed the seed of the normal samples.
 * @returns the `[rows, blocks·rows]` kernel.
 * @example const kernel = orthogonalRecurrentKernel(64, 4, 7); // an LSTM's recurrent kernel
 */
export function orthogonalRecurrentKernel(rows: number, blocks: number, seed: number): tf.Tensor2D {
  const random = new SeededRandom(seed);
  const values = new Float32Array(rows * blocks * rows);
  for (let block = 0; block < blocks; block++) {
    const basis: Float64Array[] = [];
    for (let row = 0; row < rows; row++) {
      let vector = Float64Array.from({ length: rows }, () => random.nextNormal());
      for (let attempt = 0; attempt < 3; attempt++) {
        for (const previous of basis) {
          let dot = 0;
          for (let i = 0; i < rows; i++) dot += vector[i]! * previous[i]!;
          for (let i = 0; i < rows; i++) vector[i] = vector[i]! - dot * previous[i]!;
        }
        const norm = Math.hypot(...vector);
        if (norm > 1e-6) {
          vector = vector.map((value) => value / norm);
          break;
        }
        vector = Float64Array.from({ length: rows }, () => random.nextNormal());
      }
      basis.push(vector);
      for (let column = 0; column < rows; column++) {
        values[row * blocks * rows + block * rows + column] = vector[column]!;
      }
    }
  }
  return tf.tensor2d(values, [rows, blocks * rows]);
}
