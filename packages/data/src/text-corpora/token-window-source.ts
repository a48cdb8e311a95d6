import type { BatchSourceV1 } from '@selfsup/core';
import { deriveSeed, SeededRandom } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';

/** A batch of token windows: `targets` is `inputs` shifted one token to the left. */
export type TokenWindowBatch = {
  /** `[B, T]` int32 token ids. */
  readonly inputs: tf.Tensor2D;
  /** `[B, T]` int32: the next token of each input position. */
  readonly targets: tf.Tensor2D;
};

/** Options of {@link tokenWindowSource}. */
export type TokenWindowSourceOptions = {
  /** Tokens per window `T` (the context length). */
  readonly blockSize: number;
  /** Windows per batch `B`. */
  readonly batchSize: number;
};

/**
 * A resumable, seeded {@link BatchSourceV1} of random windows over a token stream, nanoGPT's
 * `get_batch` (Karpathy 2022): each row starts at a random offset `s` and holds
 * `inputs = ids[s, s + T)`, `targets = ids[s + 1, s + T + 1)`.
 *
 * The offsets of batch `p` are drawn from `deriveSeed(seed, p)` alone, so the stream is a pure
 * function of (seed, position): resuming from position `k` yields exactly the batches an
 * uninterrupted run sees from `k` on. Windows never leave `ids`, so a source built on a training
 * slice never reads validation tokens. The stream is infinite; only one batch at a time becomes a
 * tensor, which the caller disposes.
 *
 * @param ids the token stream (e.g. a character-encoded training slice); at least `blockSize + 1`.
 * @param options `blockSize` and `batchSize`.
 * @returns the batch source, with `windowCount` (the number of distinct start offsets).
 * @throws a RangeError naming the option when a size is not a positive integer or `ids` is too short.
 * @example
 * const source = tokenWindowSource(trainIds, { blockSize: 256, batchSize: 64 });
 * const { inputs, targets } = source.batches({ position: 0, seed: 1 }).next().value;
 */
export function tokenWindowSource(
  ids: Int32Array | Uint16Array,
  options: TokenWindowSourceOptions,
): BatchSourceV1<TokenWindowBatch> & { readonly windowCount: number } {
  const { blockSize, batchSize } = options;
  if (!(Number.isInteger(blockSize) && blockSize > 0)) {
    throw new RangeError(`blockSize must be a positive integer, got ${blockSize}.`);
  }
  if (!(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}.`);
  }
  if (ids.length < blockSize + 1) {
    throw new RangeError(
      `tokenWindowSource needs at least blockSize + 1 = ${blockSize + 1} token ids, got ${ids.length}; use a smaller blockSize or more text.`,
    );
  }
  const windowCount = ids.length - blockSize;
  return {
    specificationVersion: 'v1',
    windowCount,
    *batches({ position, seed }) {
      if (!(Number.isInteger(position) && position >= 0)) {
        throw new RangeError(`position must be a non-negative integer, got ${position}.`);
      }
      for (let batch = position; ; batch++) {
        const random = new SeededRandom(deriveSeed(seed, batch));
        const inputs = new Int32Array(batchSize * blockSize);
        const targets = new Int32Array(batchSize * blockSize);
        for (let row = 0; row < batchSize; row++) {
          const start = random.nextInt(windowCount);
          inputs.set(ids.subarray(start, start + blockSize), row * blockSize);
          targets.set(ids.subarray(start + 1, start + blockSize + 1), row * blockSize);
        }
        yield {
          inputs: tf.tensor2d(inputs, [batchSize, blockSize], 'int32'),
          targets: tf.tensor2d(targets, [batchSize, blockSize], 'int32'),
        };
      }
    },
  };
}
