import { deriveSeed } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { type GumbelQuantizeResult, gumbelQuantize } from './gumbel-quantize';

type LayerArguments = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** Options of {@link GumbelVectorQuantizer} (plus tfjs' layer options: `name`, `inputShape`, …). */
export type GumbelVectorQuantizerOptions = LayerArguments & {
  /** G, the number of codebooks. @default 2 */
  readonly groups?: number;
  /** V, codewords per codebook. @default 32 */
  readonly codes?: number;
  /** Size of each codeword; the quantized vector has `G · codewordSize` entries. @default 32 */
  readonly codewordSize?: number;
  /** Seed of the initializers. @default 0 */
  readonly seed?: number;
};

/**
 * wav2vec 2.0's quantization module as a layer (Baevski et al. 2020, §2): a linear map of each
 * feature row to `G·V` code logits (`code_logits_kernel`, `code_logits_bias`) and a `[G·V, d]`
 * codebook (`codebook`, uniform init as in fairseq). {@link GumbelVectorQuantizer.quantize} runs
 * {@link gumbelQuantize} on these weights; `call` (used by `apply`) is the noise-free hard
 * quantization. Serialized as `SelfsupGumbelVectorQuantizer` (call `registerWav2vec2Layers()`).
 *
 * @example
 * const quantizer = new GumbelVectorQuantizer({ groups: 2, codes: 32, codewordSize: 32 });
 * const { quantized } = quantizer.quantize(rows, { temperature: 2, seed: 5 }); // rows [N, C]
 */
export class GumbelVectorQuantizer extends tf.layers.Layer {
  /** The name under which the layer is serialized. */
  static className = 'SelfsupGumbelVectorQuantizer';
  /** G. */
  readonly groups: number;
  /** V. */
  readonly codes: number;
  /** d, the size of one codeword. */
  readonly codewordSize: number;
  /** Seed of the initializers. */
  readonly seed: number;
  private variables?: {
    kernel: tf.LayerVariable;
    bias: tf.LayerVariable;
    codebook: tf.LayerVariable;
  };

  /** @param options G, V, d, seed and the usual layer options. */
  constructor(options: GumbelVectorQuantizerOptions = {}) {
    const { groups = 2, codes = 32, codewordSize = 32, seed = 0, ...layerArguments } = options;
    super(layerArguments);
    for (const [name, value] of Object.entries({ groups, codes, codewordSize })) {
      if (!(Number.isInteger(value) && value >= 1)) {
        throw new Error(`GumbelVectorQuantizer: ${name} must be a positive integer, got ${value}.`);
      }
    }
    if (codes < 2) {
      throw new Error(
        `GumbelVectorQuantizer: codes must be ≥ 2 (one code cannot carry information), got ${codes}.`,
      );
    }
    this.groups = groups;
    this.codes = codes;
    this.codewordSize = codewordSize;
    this.seed = seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const size = shape[shape.length - 1];
    if (typeof size !== 'number') {
      throw new Error(
        `GumbelVectorQuantizer needs a known feature size, got ${JSON.stringify(shape)}.`,
      );
    }
    const columns = this.groups * this.codes;
    this.variables = {
      kernel: this.addWeight(
        'code_logits_kernel',
        [size, columns],
        'float32',
        tf.initializers.randomNormal({ mean: 0, stddev: 1, seed: deriveSeed(this.seed, 1) }),
      ),
      bias: this.addWeight('code_logits_bias', [columns], 'float32', tf.initializers.zeros()),
      codebook: this.addWeight(
        'codebook',
        [columns, this.codewordSize],
        'float32',
        tf.initializers.randomUniform({ minval: 0, maxval: 1, seed: deriveSeed(this.seed, 2) }),
      ),
    };
    this.built = true;
  }

  /**
   * Quantizes feature rows with Gumbel noise (training) or without (`seed` undefined).
   *
   * @param rows features `[N, C]`.
   * @param options τ and the noise seed.
   * @returns see {@link gumbelQuantize}; owned by the caller.
   * @example const { quantized, codes } = quantizer.quantize(rows, { temperature: 0.5 });
   */
  quantize(
    rows: tf.Tensor2D,
    options: { readonly temperature: number; readonly seed?: number },
  ): GumbelQuantizeResult {
    if (this.variables === undefined) this.build(rows.shape);
    const { kernel, bias, codebook } = this.variables!;
    return tf.tidy(() => {
      // fairseq's weight_proj: N(0, 1) kernel, zero bias, no 1/√C scaling, so the initial logits
      // (std ≈ √C on layer-normalized features) dominate the Gumbel noise and codes are stable.
      const logits = tf.add(tf.matMul(rows, kernel.read()), bias.read()) as tf.Tensor2D;
      return gumbelQuantize(logits, codebook.read() as tf.Tensor2D, {
        groups: this.groups,
        temperature: options.temperature,
        ...(options.seed === undefined ? {} : { seed: options.seed }),
      });
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (x === undefined || x.rank !== 2) {
      throw new Error('GumbelVectorQuantizer: needs one input [N, C].');
    }
    return tf.tidy(() => {
      const result = this.quantize(x as tf.Tensor2D, { temperature: 1 });
      return result.quantized;
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0] ?? null, this.groups * this.codewordSize];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      groups: this.groups,
      codes: this.codes,
      codewordSize: this.codewordSize,
      seed: this.seed,
    };
  }
}
