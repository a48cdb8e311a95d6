import * as tf from '@tensorflow/tfjs';

type LayerArguments = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** Options of {@link WaveformNormalization}. */
export type WaveformNormalizationOptions = LayerArguments & {
  /** Added to the variance before the square root. @default 1e-5 */
  readonly epsilon?: number;
};

/**
 * A parameter-free layer that scales each clip `[T, 1]` of a batch `[B, T, 1]` to zero mean and
 * unit variance over time (wav2vec 2.0's `normalize: true` input normalization, used by its
 * LARGE models), so the feature encoder sees every clip at the same loudness.
 *
 * Serialized as `SelfsupWav2vec2WaveformNormalization`: call `registerWav2vec2Layers()` before
 * loading a model that contains it.
 *
 * @example const normalized = new WaveformNormalization().apply(audio) as tf.Tensor3D;
 */
export class WaveformNormalization extends tf.layers.Layer {
  /** The name under which the layer is serialized. */
  static className = 'SelfsupWav2vec2WaveformNormalization';

  /** Added to the variance before the square root. */
  readonly epsilon: number;

  /** @param options `epsilon` and the usual layer options. */
  constructor(options: WaveformNormalizationOptions = {}) {
    const { epsilon = 1e-5, ...layerArguments } = options;
    super(layerArguments);
    if (!(epsilon > 0)) {
      throw new Error(`WaveformNormalization: epsilon must be > 0, got ${epsilon}.`);
    }
    this.epsilon = epsilon;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (x === undefined || x.rank !== 3) {
        throw new Error('WaveformNormalization: needs one input [B, T, 1].');
      }
      const { mean, variance } = tf.moments(x, [1, 2], true);
      return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, this.epsilon)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { epsilon: this.epsilon, ...super.getConfig() };
  }
}
