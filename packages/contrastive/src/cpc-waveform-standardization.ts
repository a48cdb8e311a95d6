import * as tf from '@tensorflow/tfjs';

type LayerArguments = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** Options of {@link CpcWaveformStandardization}. */
export type CpcWaveformStandardizationOptions = LayerArguments & {
  /** Added to the variance before the square root. @default 1e-6 */
  readonly epsilon?: number;
};

/**
 * A parameter-free layer that scales each clip `[T, 1]` of a batch `[B, T, 1]` to zero mean and
 * unit variance over time, so that a waveform encoder sees every clip at the same loudness.
 *
 * Written as its own layer because tf.layers.layerNormalization without `center`/`scale` passes
 * undefined tensors to the kernel, which breaks under a gradient tape. Serialized as
 * `SelfsupCpcWaveformStandardization`: call {@link registerCpcLayers} before loading a model.
 *
 * @example const standardized = new CpcWaveformStandardization().apply(audio) as tf.Tensor3D;
 */
export class CpcWaveformStandardization extends tf.layers.Layer {
  /** The name under which the layer is serialized. */
  static className = 'SelfsupCpcWaveformStandardization';

  readonly epsilon: number;

  /** @param options `epsilon` and the usual layer options. */
  constructor(options: CpcWaveformStandardizationOptions = {}) {
    const { epsilon = 1e-6, ...layerArguments } = options;
    super(layerArguments);
    if (!(epsilon > 0)) {
      throw new Error(`CpcWaveformStandardization: epsilon must be > 0, got ${epsilon}.`);
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
        throw new Error('CpcWaveformStandardization: needs one input [B, T, 1].');
      }
      const { mean, variance } = tf.moments(x, [1, 2], true);
      return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, this.epsilon)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { epsilon: this.epsilon, ...super.getConfig() };
  }
}

let registered = false;

/**
 * Registers the layers of the CPC encoder (and core's, which it uses) with `tf.serialization`,
 * so that `tf.loadLayersModel` and `loadEncoder(directory, cpcEncoders)` can rebuild it.
 * Idempotent; nothing is registered at import time.
 *
 * @example
 * registerCpcLayers();
 * const encoder = await loadEncoder('runs/cpc', cpcEncoders);
 */
export function registerCpcLayers(): void {
  if (registered) return;
  tf.serialization.registerClass(CpcWaveformStandardization);
  registered = true;
}
