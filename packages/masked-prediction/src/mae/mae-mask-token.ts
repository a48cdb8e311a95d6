import { deriveSeed } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';

/** A tfjs layer shape: `null` marks the batch axis or a variable length. */
type Shape = (number | null)[];

/** tfjs' options of every layer (`name`, `trainable`, …). */
type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** Options of {@link MaeMaskToken} (plus tfjs' layer options). */
export type MaeMaskTokenArgs = LayerArgs & {
  /** Seed of the normal(0, 0.02) initializer (MAE's `normal_(mask_token, std=.02)`). @default 0 */
  readonly seed?: number;
};

/**
 * MAE's learned [MASK] token (He et al. 2022 §3): one shared vector `m` `[D]` that stands in the
 * decoder for every masked patch, initialised normal(0, 0.02).
 *
 * Applied to `[tokens [B, T, D], mask [B, T]]` it fills the masked positions:
 * `tokens · (1 − mask) + m · mask`. The MAE objective reads `m` with
 * {@link MaeMaskToken.getToken} and appends it directly (as the paper's code does). Saved as
 * `SelfsupMaeMaskToken`; call `registerMaeLayers()` before `tf.loadLayersModel`.
 *
 * @example
 * const filled = new MaeMaskToken({ seed: 1 }).apply([tokens, mask]) as tf.Tensor3D;
 */
export class MaeMaskToken extends tf.layers.Layer {
  /** @nocollapse */
  static className = 'SelfsupMaeMaskToken';
  /** Seed of the initializer. */
  readonly seed: number;
  private token?: tf.LayerVariable;

  /** @param args seed and layer options; see {@link MaeMaskTokenArgs} */
  constructor(args: MaeMaskTokenArgs = {}) {
    super(args);
    this.seed = args.seed ?? 0;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const size = shape[shape.length - 1];
    if (typeof size !== 'number') {
      throw new Error(
        `MaeMaskToken '${this.name}' needs tokens [B, T, D] with a known D, got ${JSON.stringify(shape)}.`,
      );
    }
    this.token = this.addWeight(
      'mask_token',
      [size],
      'float32',
      tf.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: deriveSeed(this.seed, 0) }),
    );
    this.built = true;
  }

  /** The [MASK] vector `[D]`: the variable itself (owned by the layer; do not dispose it). */
  getToken(): tf.Tensor1D {
    if (this.token === undefined) {
      throw new Error(`MaeMaskToken '${this.name}' is not built yet: apply it to an input first.`);
    }
    return this.token.read() as tf.Tensor1D;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [tokens, mask] = Array.isArray(inputs) ? inputs : [inputs];
    if (tokens === undefined || mask === undefined) {
      throw new Error(
        `MaeMaskToken '${this.name}' takes [tokens [B, T, D], mask [B, T]] (1 where masked).`,
      );
    }
    return tf.tidy(() => {
      const weight = mask.rank === tokens.rank ? mask : mask.expandDims(-1);
      return tf.add(tf.mul(tokens, tf.sub(1, weight)), tf.mul(this.getToken(), weight));
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), seed: this.seed };
  }
}

/**
 * Registers MAE's custom layer ({@link MaeMaskToken}, saved as `SelfsupMaeMaskToken`) with
 * `tf.serialization`, so that `tf.loadLayersModel` can rebuild an MAE checkpoint's
 * `heads/decoder/` (call core's `registerSequenceLayers()` too, for the Transformer blocks).
 * Explicit and idempotent: nothing is registered at import time. `restoreCheckpoint` does not
 * need it (it reads weights directly).
 *
 * @example
 * registerMaeLayers();
 * registerSequenceLayers();
 * const decoder = await tf.loadLayersModel('file://runs/mae/step-00001000/heads/decoder/model.json');
 */
export function registerMaeLayers(): void {
  tf.serialization.registerClass(
    MaeMaskToken as unknown as tf.serialization.SerializableConstructor<tf.layers.Layer>,
    'selfsup',
  );
}
