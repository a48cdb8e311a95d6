import * as tf from '@tensorflow/tfjs';

/** A tfjs layer shape: `null` marks the batch axis or a variable length. */
type Shape = (number | null)[];

/** tfjs' options of every layer (`name`, `trainable`, `inputShape`, …). */
type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** CLIP's initial log logit scale, ln(1 / 0.07) ≈ 2.659 (temperature 0.07, from InstDisc). */
export const clipInitialLogLogitScale = Math.log(1 / 0.07);

/** CLIP's ceiling of the log logit scale, ln 100 ≈ 4.605 (the paper clips the scale at 100). */
export const clipMaximumLogLogitScale = Math.log(100);

/** Options of {@link LogitScale} (plus tfjs' layer options: `name`, `trainable`, …). */
export type LogitScaleArgs = LayerArgs & {
  /** Initial value of the learned log scale `s`. @default ln(1 / 0.07) */
  readonly initialValue?: number;
  /** Ceiling of `s`: the scale `exp(s)` never exceeds `exp(maximum)`. @default ln 100 */
  readonly maximum?: number;
};

/**
 * CLIP's learned logit scale (Radford et al. 2021, §2.5): one trainable scalar `s` (a log
 * scale, initialised at ln(1/0.07)); the layer multiplies cosine similarities by
 * `exp(min(s, maximum))`, with `maximum` = ln 100 ("clipped to prevent scaling the logits by more
 * than 100").
 *
 * The clamp acts twice: inside every forward pass (so the scale used by a loss never exceeds
 * `exp(maximum)`, even between an optimizer update and the next clamp) and on the variable itself
 * with {@link LogitScale.clampInPlace}, which CLIP's objective calls after each step. Being a
 * layer, the weight is trained by `pretrain()` and saved with the head in checkpoints; register it
 * with `registerClipLayers()` before `tf.loadLayersModel`.
 *
 * @example
 * const layer = new LogitScale({ inputShape: [null] });
 * const head = tf.sequential({ layers: [layer] });
 * const logits = head.apply(similarities) as tf.Tensor2D; // similarities × 14.29
 */
export class LogitScale extends tf.layers.Layer {
  /** @nocollapse */
  static className = 'SelfsupLogitScale';
  /** Initial value of the log scale. */
  readonly initialValue: number;
  /** Ceiling of the log scale. */
  readonly maximum: number;
  private logScale?: tf.LayerVariable;

  /** @param args initial value, ceiling and tfjs' layer options; see {@link LogitScaleArgs} */
  constructor(args: LogitScaleArgs = {}) {
    super(args);
    this.initialValue = args.initialValue ?? clipInitialLogLogitScale;
    this.maximum = args.maximum ?? clipMaximumLogLogitScale;
    if (!Number.isFinite(this.initialValue) || !Number.isFinite(this.maximum)) {
      throw new RangeError(
        `LogitScale needs a finite initialValue and maximum, got ${this.initialValue} and ${this.maximum}.`,
      );
    }
    if (this.initialValue > this.maximum) {
      throw new RangeError(
        `LogitScale initialValue ${this.initialValue} exceeds maximum ${this.maximum}: start at or below the ceiling (CLIP: ln(1/0.07) ≤ ln 100).`,
      );
    }
  }

  override build(): void {
    this.logScale = this.addWeight(
      'log_scale',
      [],
      'float32',
      tf.initializers.constant({ value: this.initialValue }),
    );
    this.built = true;
  }

  private variable(): tf.LayerVariable {
    if (this.logScale === undefined) {
      throw new Error(`LogitScale '${this.name}' is not built yet: apply it to an input first.`);
    }
    return this.logScale;
  }

  /** The raw log scale `s`: the variable itself (owned by the layer; do not dispose it). */
  getLogScale(): tf.Scalar {
    return this.variable().read() as tf.Scalar;
  }

  /**
   * The scale `exp(min(s, maximum))` that multiplies similarities; differentiable in `s` (zero
   * gradient while `s` sits above the ceiling).
   *
   * @returns a new scalar; the caller disposes it
   */
  scale(): tf.Scalar {
    return tf.tidy(() => tf.exp(tf.minimum(this.getLogScale(), this.maximum)) as tf.Scalar);
  }

  /** Clamps the variable `s` to at most `maximum`, in place (outside any gradient tape). */
  clampInPlace(): void {
    const clamped = tf.tidy(() => tf.minimum(this.getLogScale(), this.maximum));
    this.variable().write(clamped);
    clamped.dispose();
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const similarities = Array.isArray(inputs) ? inputs[0] : inputs;
    if (similarities === undefined) throw new Error('LogitScale needs one input tensor.');
    return tf.tidy(() => tf.mul(similarities, this.scale()));
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), initialValue: this.initialValue, maximum: this.maximum };
  }
}

/**
 * Registers CLIP's custom layer ({@link LogitScale}, saved as `SelfsupLogitScale`) with
 * `tf.serialization`, so that `tf.loadLayersModel` can rebuild a CLIP checkpoint's
 * `heads/logit_scale/`. Explicit and idempotent: nothing is registered at import time.
 * (`restoreCheckpoint` does not need it: it reads weights directly.)
 *
 * @example
 * registerClipLayers();
 * const head = await tf.loadLayersModel('file://runs/clip/step-00001000/heads/logit_scale/model.json');
 */
export function registerClipLayers(): void {
  tf.serialization.registerClass(
    LogitScale as unknown as tf.serialization.SerializableConstructor<tf.layers.Layer>,
    'selfsup',
  );
}
