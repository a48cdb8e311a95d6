import * as tf from '@tensorflow/tfjs';

type LayerArguments = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** Options of {@link ScalarMix} (plus tfjs' layer options: `name`, `trainable`, …). */
export type ScalarMixArgs = LayerArguments & {
  /** Number of mixed layers `L + 1` (the token layer and `L` biLSTM layers). */
  readonly layerCount: number;
};

/**
 * Mixes `L + 1` same-shaped layer outputs into one: `γ · Σ_j softmax(w)_j · h_j`, ELMo's
 * task-specific weighting (Peters et al. 2018, "Deep contextualized word representations", eq. 1).
 *
 * Pure tensor function, differentiable in the layers, the logits `w` and the scale `γ`.
 *
 * @param layers the `L + 1` layer outputs, all of one shape (e.g. `[B, T, D]`).
 * @param logits the mixing logits `w` `[L + 1]` (softmax-normalised into the weights `s_j`).
 * @param scale the scalar `γ`, shape `[]` or `[1]`.
 * @returns the mix, shaped like each layer.
 * @example const mixed = scalarMix([token, first, second], tf.zeros([3]), tf.scalar(1));
 */
export function scalarMix(
  layers: readonly tf.Tensor[],
  logits: tf.Tensor1D,
  scale: tf.Tensor,
): tf.Tensor {
  if (layers.length === 0 || layers.length !== logits.shape[0]) {
    throw new Error(
      `scalarMix: got ${layers.length} layers but ${logits.shape[0]} mixing logits; pass one logit per layer.`,
    );
  }
  return tf.tidy(() => {
    const weights = tf.unstack(tf.softmax(logits));
    const weighted = layers.map((layer, index) => tf.mul(layer, weights[index]!));
    return tf.mul(tf.addN(weighted), tf.reshape(scale, []));
  });
}

/**
 * ELMo's scalar mix as a tfjs layer: owns the mixing logits `w` `[L + 1]` (zeros: a uniform
 * average) and the scale `γ` (one), and applies {@link scalarMix} to a list of inputs.
 *
 * The weights are trained downstream (the paper learns them with the task while the biLM is
 * frozen); during biLM pretraining they receive no gradient. Registered for deserialization by
 * `registerElmoLayers()`.
 *
 * @example
 * const mix = new ScalarMix({ layerCount: 3 });
 * const mixed = mix.apply([token, first, second]) as tf.Tensor3D;
 */
export class ScalarMix extends tf.layers.Layer {
  /** The name under which the layer is serialized. */
  static className = 'SelfsupScalarMix';

  /** Number of mixed layers `L + 1`. */
  readonly layerCount: number;
  private logits: tf.LayerVariable | null = null;
  private scale: tf.LayerVariable | null = null;

  /** @param args `layerCount` (required) and the usual layer options. */
  constructor(args: ScalarMixArgs) {
    const { layerCount, ...layerArguments } = args;
    super(layerArguments);
    if (!Number.isInteger(layerCount) || layerCount < 1) {
      throw new RangeError(`ScalarMix: layerCount must be a positive integer, got ${layerCount}.`);
    }
    this.layerCount = layerCount;
  }

  override build(): void {
    this.logits = this.addWeight(
      'mixing_logits',
      [this.layerCount],
      'float32',
      tf.initializers.zeros(),
    );
    this.scale = this.addWeight('scale', [1], 'float32', tf.initializers.ones());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
  }

  /** The current weights `s = softmax(w)` `[L + 1]` and scale `γ`, as numbers. */
  readMix(): { readonly weights: number[]; readonly scale: number } {
    if (this.logits === null || this.scale === null) {
      throw new Error('ScalarMix: readMix() before build(); apply the layer first.');
    }
    const logits = this.logits;
    const weights = tf.tidy(() => tf.softmax(logits.read() as tf.Tensor1D));
    const result = {
      weights: Array.from(weights.dataSync()),
      scale: this.scale.read().dataSync()[0] ?? Number.NaN,
    };
    weights.dispose();
    return result;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const layers = Array.isArray(inputs) ? inputs : [inputs];
      if (this.logits === null || this.scale === null) {
        throw new Error('ScalarMix: call() before build(); use layer.apply(inputs).');
      }
      return scalarMix(layers, this.logits.read() as tf.Tensor1D, this.scale.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { layerCount: this.layerCount, ...super.getConfig() };
  }
}
