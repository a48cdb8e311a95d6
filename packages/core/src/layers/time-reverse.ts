import * as tf from '@tensorflow/tfjs';

type LayerArguments = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/**
 * Reverses a sequence `[B, T, D]` along its time axis (axis 1).
 *
 * Builds the backward direction of a recurrent stack: reverse the input, run an ordinary
 * (left-to-right) recurrent layer, reverse its outputs, so position `t` of the result has seen
 * positions `t..T−1` only (the backward language model of ELMo, Peters et al. 2018). Its
 * gradient is the reverse of the upstream gradient. No weights.
 *
 * @example
 * const reversed = new TimeReverse().apply(tf.input({ shape: [null, 8] })) as tf.SymbolicTensor;
 */
export class TimeReverse extends tf.layers.Layer {
  /** The name under which the layer is serialized. */
  static className = 'SelfsupTimeReverse';

  /** @param options the usual layer options (`name`). */
  constructor(options: LayerArguments = {}) {
    super(options);
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (x === undefined || x.rank < 2) {
        throw new Error('TimeReverse: needs one input of rank ≥ 2 ([B, T, ...]).');
      }
      return tf.reverse(x, 1);
    });
  }
}
