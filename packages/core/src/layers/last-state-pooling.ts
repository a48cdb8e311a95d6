import * as tf from '@tensorflow/tfjs';

type LayerArguments = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** Options of {@link LastStatePooling}. */
export type LastStatePoolingOptions = LayerArguments & {
  /**
   * Width of the backward half at the end of the feature axis (0 for a unidirectional stack).
   * @default 0
   */
  readonly backwardSize?: number;
};

/**
 * Pools recurrent features `[B, T, D]` into their final states `[B, D]`.
 *
 * The forward part (the first `D − backwardSize` features) is read at the last position `T − 1`,
 * where it has seen the whole sequence; the backward part (the last `backwardSize` features) is
 * read at position 0, where the backward recurrence ends. This is the "last hidden state" pooling
 * of a (bi)LSTM (Hochreiter & Schmidhuber 1997). Built from `tf.slice` and `tf.concat`, which
 * have gradients on every backend. No weights.
 *
 * @example
 * const pooled = new LastStatePooling({ backwardSize: 64 }).apply(features) as tf.SymbolicTensor;
 */
export class LastStatePooling extends tf.layers.Layer {
  /** The name under which the layer is serialized. */
  static className = 'SelfsupLastStatePooling';

  readonly backwardSize: number;

  /** @param options `backwardSize` (default 0) and the usual layer options. */
  constructor(options: LastStatePoolingOptions = {}) {
    const { backwardSize = 0, ...layerArguments } = options;
    super(layerArguments);
    if (!Number.isInteger(backwardSize) || backwardSize < 0) {
      throw new Error(
        `LastStatePooling: backwardSize must be an integer ≥ 0, got ${backwardSize}.`,
      );
    }
    this.backwardSize = backwardSize;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0] ?? null, shape[2] ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (x === undefined || x.rank !== 3) {
        throw new Error('LastStatePooling: needs one input [B, T, D].');
      }
      const [batch, length, size] = x.shape as [number, number, number];
      const forwardSize = size - this.backwardSize;
      if (forwardSize < 0) {
        throw new Error(
          `LastStatePooling: backwardSize ${this.backwardSize} exceeds the feature size ${size}.`,
        );
      }
      const forward = tf.reshape(tf.slice(x, [0, length - 1, 0], [batch, 1, forwardSize]), [
        batch,
        forwardSize,
      ]);
      if (this.backwardSize === 0) return forward;
      const backward = tf.reshape(tf.slice(x, [0, 0, forwardSize], [batch, 1, this.backwardSize]), [
        batch,
        this.backwardSize,
      ]);
      return tf.concat([forward, backward], 1);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { backwardSize: this.backwardSize, ...super.getConfig() };
  }
}
