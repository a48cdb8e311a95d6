import * as tf from '@tensorflow/tfjs';

/** Options of {@link BatchNormalization}. */
export type BatchNormalizationOptions = {
  /**
   * Weight of the old value in the moving averages: `moving = moving·momentum + batch·(1 − momentum)`.
   * 0.9 is PyTorch's default (its `momentum=0.1` is the weight of the new value); Keras' 0.99 leaves
   * the inference statistics far from the data after the few hundred steps of small-data runs.
   * @default 0.9
   */
  readonly momentum?: number;
  /** Added to the variance before the square root. @default 1e-3 */
  readonly epsilon?: number;
  /** Learn an offset β. @default true */
  readonly center?: boolean;
  /** Learn a scale γ. @default true */
  readonly scale?: boolean;
  /** The layer name (unique in a model). */
  readonly name?: string;
  /** Whether γ and β are trained. @default true */
  readonly trainable?: boolean;
};

type LayerArguments = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
type SerializedOptions = Required<
  Pick<BatchNormalizationOptions, 'momentum' | 'epsilon' | 'center' | 'scale'>
>;

/**
 * Batch normalization over the last (channel) axis with a hand-written gradient made of
 * per-channel reductions (Ioffe & Szegedy 2015, "Batch Normalization: Accelerating Deep Network
 * Training by Reducing Internal Covariate Shift").
 *
 * Works on `[B, C]`, `[B, T, C]` and `[B, H, W, C]` (channels last): statistics are taken over every
 * axis but the last. Keras semantics: in training (`apply(x, { training: true })`) the layer
 * normalizes with the batch mean and (biased) variance and updates the non-trainable moving mean
 * and variance as `moving ← moving·momentum + batch·(1 − momentum)`; in inference it uses the
 * moving statistics. The moving statistics are updated by `assign` during the forward pass, outside
 * the gradient, so the layer works under `tf.variableGrads`.
 *
 * Why a custom gradient: tfjs' `FusedBatchNorm` gradient materialises a full-size `Tile`; this one
 * computes `dβ = Σ dy`, `dγ = Σ dy·x̂` and `dx = γ/σ · (dy − dβ/M − x̂·dγ/M)` with broadcasts only.
 * Register it with {@link registerVisionLayers} before `tf.loadLayersModel`.
 *
 * @example
 * const norm = new BatchNormalization({ momentum: 0.9 });
 * const y = norm.apply(tf.randomNormal([8, 4, 4, 16]), { training: true }) as tf.Tensor;
 */
export class BatchNormalization extends tf.layers.Layer {
  /** The name under which the layer is serialized. */
  static className = 'SelfsupBatchNormalization';

  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private gamma: tf.LayerVariable | null = null;
  private beta: tf.LayerVariable | null = null;
  private movingMean: tf.LayerVariable | null = null;
  private movingVariance: tf.LayerVariable | null = null;

  /**
   * @param options momentum, epsilon, center, scale, name, trainable (see {@link BatchNormalizationOptions}).
   */
  constructor(options: BatchNormalizationOptions = {}) {
    const layerArguments: LayerArguments = {};
    if (options.name !== undefined) layerArguments.name = options.name;
    if (options.trainable !== undefined) layerArguments.trainable = options.trainable;
    super(layerArguments);
    this.momentum = options.momentum ?? 0.9;
    this.epsilon = options.epsilon ?? 1e-3;
    this.center = options.center ?? true;
    this.scale = options.scale ?? true;
    if (!(this.momentum >= 0 && this.momentum <= 1)) {
      throw new Error(`BatchNormalization: momentum must be in [0, 1], got ${this.momentum}.`);
    }
    if (!(this.epsilon > 0)) {
      throw new Error(`BatchNormalization: epsilon must be > 0, got ${this.epsilon}.`);
    }
    this.supportsMasking = true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[shape.length - 1];
    if (shape.length < 2 || channels == null) {
      throw new Error(
        `BatchNormalization: needs an input of rank ≥ 2 ([B, C], [B, T, C] or [B, H, W, C]) with a known channel (last) axis, got shape ${JSON.stringify(shape)}.`,
      );
    }
    this.inputSpec = [{ ndim: shape.length, axes: { [shape.length - 1]: channels } }];
    if (this.scale)
      this.gamma = this.addWeight('gamma', [channels], 'float32', tf.initializers.ones());
    if (this.center)
      this.beta = this.addWeight('beta', [channels], 'float32', tf.initializers.zeros());
    this.movingMean = this.addWeight(
      'moving_mean',
      [channels],
      'float32',
      tf.initializers.zeros(),
      undefined,
      false,
    );
    this.movingVariance = this.addWeight(
      'moving_variance',
      [channels],
      'float32',
      tf.initializers.ones(),
      undefined,
      false,
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (x === undefined) throw new Error('BatchNormalization: called without an input tensor.');
      const movingMean = this.movingMean;
      const movingVariance = this.movingVariance;
      if (movingMean === null || movingVariance === null) {
        throw new Error('BatchNormalization: call() before build(); use layer.apply(x).');
      }
      const channels = x.shape[x.rank - 1]!;
      const gamma = this.gamma?.read() ?? tf.ones([channels]);
      const beta = this.beta?.read() ?? tf.zeros([channels]);
      if (kwargs.training !== true) {
        const scale = tf.mul(gamma, tf.rsqrt(tf.add(movingVariance.read(), this.epsilon)));
        const offset = tf.sub(beta, tf.mul(movingMean.read(), scale));
        return tf.add(tf.mul(x, scale), offset);
      }
      const momentum = this.momentum;
      return batchNormalizeTraining(x, gamma, beta, this.epsilon, (mean, variance) => {
        tf.tidy(() => {
          movingMean.write(tf.add(tf.mul(movingMean.read(), momentum), tf.mul(mean, 1 - momentum)));
          movingVariance.write(
            tf.add(tf.mul(movingVariance.read(), momentum), tf.mul(variance, 1 - momentum)),
          );
        });
      });
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: SerializedOptions = {
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
    };
    return { ...config, ...super.getConfig() };
  }
}

/**
 * Normalizes `x` with its batch statistics over every axis but the last, and scales and shifts
 * it: `y = γ·(x − μ)/√(σ² + ε) + β`, with a gradient made of per-channel reductions.
 *
 * Used by {@link BatchNormalization} in training mode; exported for objectives that normalize
 * without a layer.
 *
 * @param x input `[..., C]`, rank ≥ 2.
 * @param gamma scale `[C]`.
 * @param beta offset `[C]`.
 * @param epsilon added to the variance.
 * @param onStatistics called once, in the forward pass, with the batch mean and biased variance `[C]`
 *   (e.g. to update moving averages); the tensors are disposed after the call.
 * @returns the normalized tensor, same shape as `x`.
 * @example
 * const y = batchNormalizeTraining(x, tf.ones([C]), tf.zeros([C]), 1e-3);
 */
export function batchNormalizeTraining(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
  onStatistics?: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void,
): tf.Tensor {
  return batchNormalizeOver(x, gamma, beta, epsilon, { onStatistics });
}

/**
 * How {@link batchNormalizeOver} sees the rest of the batch (internal: `SyncBatchNormalization`
 * passes its data-parallel group's all-reduce).
 */
export type BatchStatisticsScope = {
  /** Called in the forward pass with the mean and biased variance `[C]` (disposed after the call). */
  readonly onStatistics?: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void;
  /** Sums per-channel sums over every part of the batch (default: this tensor is the whole batch). */
  readonly sumAcrossBatch?: (sums: tf.Tensor) => tf.Tensor;
  /** How many equal parts the batch has (the rows of `x` times this is the batch). @default 1 */
  readonly parts?: number;
};

/**
 * {@link batchNormalizeTraining} over a batch that may be split across data-parallel workers: the
 * per-channel sums of the forward pass (mean, then squared deviations) and of the backward pass
 * (`Σ dy`, `Σ dy·x̂`, in one call) go through `scope.sumAcrossBatch`, and means divide by the
 * global count. The gradients of `γ` and `β` are this part's sums (the data-parallel all-reduce
 * adds the parts up). Internal to core.
 *
 * @param x this part's input `[..., C]`, rank ≥ 2.
 * @param gamma scale `[C]`.
 * @param beta offset `[C]`.
 * @param epsilon added to the variance.
 * @param scope the statistics callback and how the parts are summed.
 * @returns the normalized tensor, same shape as `x`.
 */
export function batchNormalizeOver(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
  scope: BatchStatisticsScope,
): tf.Tensor {
  if (x.rank < 2) {
    throw new Error(
      `batchNormalizeTraining: x must have rank ≥ 2 ([B, ..., C]), got shape ${JSON.stringify(x.shape)}.`,
    );
  }
  const channels = x.shape[x.rank - 1]!;
  const count = x.size / channels;
  if (count < 1) throw new Error('batchNormalizeTraining: the batch is empty.');
  const total = count * (scope.parts ?? 1);
  const acrossBatch = scope.sumAcrossBatch ?? ((sums: tf.Tensor) => sums);
  const normalize = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, scaleWeight, offsetWeight, save] = args as [
      tf.Tensor,
      tf.Tensor,
      tf.Tensor,
      tf.GradSaveFunc,
    ];
    const rows = tf.reshape(input, [count, channels]);
    const mean = tf.div(acrossBatch(sumRows(rows)), total);
    const centered = tf.sub(rows, mean);
    const variance = tf.div(acrossBatch(sumRows(tf.square(centered))), total);
    const inverseDeviation = tf.rsqrt(tf.add(variance, epsilon));
    scope.onStatistics?.(mean as tf.Tensor1D, variance as tf.Tensor1D);
    const scale = tf.mul(scaleWeight, inverseDeviation);
    save([centered, inverseDeviation, scale]);
    return {
      value: tf.reshape(tf.add(tf.mul(centered, scale), offsetWeight), input.shape),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const gradient = tf.reshape(Array.isArray(dy) ? dy[0]! : dy, [count, channels]);
        const [savedCentered, savedInverse, savedScale] = saved as [
          tf.Tensor,
          tf.Tensor,
          tf.Tensor,
        ];
        const normalized = tf.mul(savedCentered, savedInverse);
        const offsetGradient = sumRows(gradient);
        const scaleGradient = sumRows(tf.mul(gradient, normalized));
        const [batchOffset, batchScale] =
          scope.sumAcrossBatch === undefined
            ? [offsetGradient, scaleGradient]
            : tf.split(acrossBatch(tf.concat([offsetGradient, scaleGradient])), 2);
        const inputGradient = tf.mul(
          tf.sub(
            tf.sub(gradient, tf.div(batchOffset!, total)),
            tf.mul(normalized, tf.div(batchScale!, total)),
          ),
          savedScale,
        );
        return [tf.reshape(inputGradient, x.shape), scaleGradient, offsetGradient];
      },
    };
  });
  return normalize(x, gamma, beta);
}

/**
 * Per-channel sums of `rows` `[M, C]` as `[C]`.
 *
 * For large `M` it runs as an average pool over blocks of `R` rows (`[M/R, R, 1, C]`, window
 * `[R, 1]`), then a small reduction of the `[M/R, C]` block means: on wasm the pool is one XNNPACK
 * call (~2.5 ms on SimCLR's `[200704, 32]`) where `tf.sum(rows, 0)` transposes first (~27 ms),
 * and `ones[1, M] · rows` re-packs the whole operand. Small `M`, or an `M` without a divisor near
 * √M, uses `tf.sum` directly.
 */
function sumRows(rows: tf.Tensor): tf.Tensor1D {
  const [count, channels] = rows.shape as [number, number];
  const blockSize = count >= 4096 ? largestDivisorUpTo(count, Math.floor(Math.sqrt(count))) : 1;
  if (blockSize < 16) return tf.sum(rows, 0);
  const blocks = count / blockSize;
  const blockMeans = tf.avgPool(
    tf.reshape(rows, [blocks, blockSize, 1, channels]) as tf.Tensor4D,
    [blockSize, 1],
    [blockSize, 1],
    'valid',
  );
  return tf.mul(tf.sum(tf.reshape(blockMeans, [blocks, channels]), 0), blockSize);
}

/** The largest divisor of `value` that is ≤ `limit`. */
function largestDivisorUpTo(value: number, limit: number): number {
  for (let divisor = limit; divisor > 1; divisor--) {
    if (value % divisor === 0) return divisor;
  }
  return 1;
}
