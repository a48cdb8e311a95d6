import { SeededRandom } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';

/** Options of {@link MocoQueue}. */
export type MocoQueueOptions = {
  /** Number of negatives `K` the queue holds. */
  readonly size: number;
  /** Width `D` of each key. */
  readonly dimension: number;
  /** Seed of the random unit vectors the queue starts with. @default 0 */
  readonly seed?: number;
};

/** The checkpointed state of a {@link MocoQueue}: the keys and the write position. */
export type MocoQueueState = {
  /** `[K, D]` float32: one L2-normalised key per row. */
  readonly queue: tf.Tensor2D;
  /** Scalar int32: the row the next key goes to. */
  readonly queuePointer: tf.Scalar;
};

/**
 * The dictionary of negatives of MoCo (He et al. 2020, "Momentum Contrast for Unsupervised Visual
 * Representation Learning", §3.2 and Algorithm 1): a first-in-first-out ring buffer of the last
 * `K` keys. After each step the batch's keys replace the oldest ones, so the dictionary is much
 * larger than a batch yet only holds keys from recent (slowly changing) momentum encoders.
 *
 * Rows are keys (`[K, D]`). Writes wrap around the end: any `K` works with any batch size up to
 * `K` (the official code asks `K % batch == 0`; this buffer does not). As in the paper's code the
 * queue starts as `K` random unit vectors (normal samples, L2-normalised), seeded here.
 *
 * @example
 * const queue = new MocoQueue({ size: 4096, dimension: 128 });
 * tf.tidy(() => queue.enqueue(normalizedKeys)); // [B, 128]
 * const logits = tf.matMul(queries, queue.keys, false, true); // [B, 4096]
 * queue.dispose();
 */
export class MocoQueue {
  /** `K`, the number of keys held. */
  readonly size: number;
  /** `D`, the width of a key. */
  readonly dimension: number;
  private buffer: tf.Tensor2D;
  private position = 0;

  /** @param options size `K`, dimension `D` and seed (see {@link MocoQueueOptions}). */
  constructor(options: MocoQueueOptions) {
    const { size, dimension, seed = 0 } = options;
    if (!(Number.isInteger(size) && size > 0))
      throw new RangeError(`MocoQueue: size must be a positive integer, got ${size}.`);
    if (!(Number.isInteger(dimension) && dimension > 0))
      throw new RangeError(`MocoQueue: dimension must be a positive integer, got ${dimension}.`);
    this.size = size;
    this.dimension = dimension;
    const random = new SeededRandom(seed);
    const values = new Float32Array(size * dimension);
    for (let row = 0; row < size; row++) {
      let norm = 0;
      for (let column = 0; column < dimension; column++) {
        const value = random.nextNormal();
        values[row * dimension + column] = value;
        norm += value * value;
      }
      const scale = 1 / Math.max(Math.sqrt(norm), 1e-12);
      for (let column = 0; column < dimension; column++) values[row * dimension + column]! *= scale;
    }
    this.buffer = tf.keep(tf.tensor2d(values, [size, dimension]));
  }

  /** The keys `[K, D]`, owned by the queue (valid until the next {@link MocoQueue.enqueue}). */
  get keys(): tf.Tensor2D {
    return this.buffer;
  }

  /** The row the next key is written to, in `[0, K)`. */
  get pointer(): number {
    return this.position;
  }

  /**
   * Writes `keys` over the oldest rows, from {@link MocoQueue.pointer} on, wrapping around the end,
   * and advances the pointer by their count modulo `K`. The caller keeps ownership of `keys`.
   *
   * @param keys `[B, D]` with `1 ≤ B ≤ K`, normally L2-normalised.
   * @returns nothing.
   * @example queue.enqueue(tf.randomNormal([32, 128]) as tf.Tensor2D);
   */
  enqueue(keys: tf.Tensor2D): void {
    const [count, dimension] = keys.shape;
    if (keys.rank !== 2 || dimension !== this.dimension) {
      throw new Error(
        `MocoQueue.enqueue: keys must be [B, ${this.dimension}], got ${JSON.stringify(keys.shape)}.`,
      );
    }
    if (count < 1 || count > this.size) {
      throw new RangeError(
        `MocoQueue.enqueue: ${count} keys do not fit a queue of ${this.size}: make the queue at least one batch large (queueSize ≥ batch size).`,
      );
    }
    const start = this.position;
    const previous = this.buffer;
    this.buffer = tf.tidy(() => {
      const parts: tf.Tensor2D[] = [];
      if (start + count <= this.size) {
        if (start > 0) parts.push(tf.slice(previous, [0, 0], [start, dimension]));
        parts.push(keys);
        const rest = this.size - start - count;
        if (rest > 0) parts.push(tf.slice(previous, [start + count, 0], [rest, dimension]));
      } else {
        // keys[0, head) go to rows [start, K); keys[head, B) wrap around to rows [0, B − head).
        const head = this.size - start;
        const wrapped = count - head;
        parts.push(tf.slice(keys, [head, 0], [wrapped, dimension]));
        if (start > wrapped)
          parts.push(tf.slice(previous, [wrapped, 0], [start - wrapped, dimension]));
        parts.push(tf.slice(keys, [0, 0], [head, dimension]));
      }
      return (parts.length === 1 ? tf.clone(parts[0]!) : tf.concat(parts, 0)) as tf.Tensor2D;
    });
    tf.keep(this.buffer);
    previous.dispose();
    this.position = (start + count) % this.size;
  }

  /**
   * A copy of the queue and its pointer, for checkpoints (the caller owns and disposes them).
   *
   * @returns `{ queue: [K, D], queuePointer: int32 scalar }`.
   * @example const state = queue.getState(); // … save …; tf.dispose(Object.values(state));
   */
  getState(): MocoQueueState {
    return {
      queue: tf.keep(tf.clone(this.buffer)),
      queuePointer: tf.keep(tf.scalar(this.position, 'int32')),
    };
  }

  /**
   * Restores what {@link MocoQueue.getState} returned (copies it; the caller keeps its tensors).
   *
   * @param state `queue` `[K, D]` and `queuePointer` in `[0, K)`.
   * @returns nothing; throws when the shapes do not match this queue.
   * @example queue.setState(savedState);
   */
  setState(state: Readonly<Record<string, tf.Tensor | undefined>>): void {
    const { queue, queuePointer } = state;
    if (queue === undefined || queuePointer === undefined) {
      throw new Error(
        `MocoQueue.setState: the state needs 'queue' and 'queuePointer', got [${Object.keys(state).join(', ')}]: restore a checkpoint written by MoCo.`,
      );
    }
    if (queue.rank !== 2 || queue.shape[0] !== this.size || queue.shape[1] !== this.dimension) {
      throw new Error(
        `MocoQueue.setState: the saved queue is ${JSON.stringify(queue.shape)} but this queue is [${this.size}, ${this.dimension}]: ` +
          'build the objective with the queueSize and projectionSize of the checkpoint.',
      );
    }
    const pointer = Number(queuePointer.dataSync()[0]);
    if (!(Number.isInteger(pointer) && pointer >= 0 && pointer < this.size)) {
      throw new RangeError(
        `MocoQueue.setState: queuePointer ${pointer} is outside [0, ${this.size}): the checkpoint is damaged.`,
      );
    }
    const previous = this.buffer;
    this.buffer = tf.keep(tf.tidy(() => queue.cast('float32').clone() as tf.Tensor2D));
    previous.dispose();
    this.position = pointer;
  }

  /** Frees the queue's tensor. */
  dispose(): void {
    this.buffer.dispose();
  }
}
