import { addBias, deriveSeed, gelu, layerNormalize } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';

/** A tfjs layer shape: `null` marks the batch axis or a variable length. */
type Shape = (number | null)[];

/** tfjs' options of every layer (`name`, `trainable`, `inputShape`, …). */
type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** Options of {@link MaskedLanguageModelHead} (plus tfjs' layer options: `name`, `trainable`, …). */
export type MaskedLanguageModelHeadArgs = LayerArgs & {
  /** Feature size `D` of the encoder (and of its token embeddings). */
  readonly embeddingSize: number;
  /** Number of token ids `V`: the size of the output bias. */
  readonly vocabularySize: number;
  /** LayerNorm epsilon. @default 1e-12 (BERT) */
  readonly epsilon?: number;
  /** Standard deviation of the normal initializer of the transform kernel. @default 0.02 (BERT) */
  readonly initializerStddev?: number;
  /** Seed of the initializer. @default 1 */
  readonly seed?: number;
};

/**
 * BERT's masked-language-model head (Devlin et al. 2019, `BertLMPredictionHead`): a transform
 * `LayerNorm(GELU(h · W + b))` `[D → D]`, then a decoder tied to the encoder's token embeddings
 * `E` `[V, D]` plus an output bias `[V]`: `logits = transform(h) · Eᵀ + bias`.
 *
 * Tying (Press & Wolf 2017, as BERT does) means the decoder has no weight of its own: its matrix
 * is the encoder's input embedding table, which is passed to {@link MaskedLanguageModelHead.logits}
 * at every call and so receives gradients from both ends. This layer owns only the transform
 * (kernel, bias, LayerNorm γ and β) and the output bias; as a model layer (`apply`) it returns the
 * transformed features `[…, D]`, and `logits()` adds the tied decoder. Saved as
 * `SelfsupMaskedLanguageModelHead`; call {@link registerBertLayers} before `tf.loadLayersModel`.
 *
 * @example
 * const head = new MaskedLanguageModelHead({ embeddingSize: 128, vocabularySize: 4000 });
 * const logits = head.logits(features2d, encoder.getTokenEmbeddings()); // [N, 4000]
 */
export class MaskedLanguageModelHead extends tf.layers.Layer {
  /** @nocollapse */
  static className = 'SelfsupMaskedLanguageModelHead';
  /** Feature size `D`. */
  readonly embeddingSize: number;
  /** Number of token ids `V`. */
  readonly vocabularySize: number;
  /** LayerNorm epsilon. */
  readonly epsilon: number;
  /** Standard deviation of the transform kernel's initializer. */
  readonly initializerStddev: number;
  /** Seed of the initializer. */
  readonly seed: number;
  private transformKernel?: tf.LayerVariable;
  private transformBias?: tf.LayerVariable;
  private gamma?: tf.LayerVariable;
  private beta?: tf.LayerVariable;
  private outputBias?: tf.LayerVariable;

  /** @param args sizes, epsilon and initializer; see {@link MaskedLanguageModelHeadArgs} */
  constructor(args: MaskedLanguageModelHeadArgs) {
    super(args);
    for (const [name, value] of [
      ['embeddingSize', args.embeddingSize],
      ['vocabularySize', args.vocabularySize],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) {
        throw new RangeError(
          `MaskedLanguageModelHead ${name} must be a positive integer, got ${value}.`,
        );
      }
    }
    this.embeddingSize = args.embeddingSize;
    this.vocabularySize = args.vocabularySize;
    this.epsilon = args.epsilon ?? 1e-12;
    this.initializerStddev = args.initializerStddev ?? 0.02;
    this.seed = args.seed ?? 1;
    if (!(this.epsilon > 0))
      throw new RangeError(`MaskedLanguageModelHead epsilon must be > 0, got ${this.epsilon}.`);
  }

  override build(): void {
    const size = this.embeddingSize;
    this.transformKernel = this.addWeight(
      'transform_kernel',
      [size, size],
      'float32',
      tf.initializers.randomNormal({
        mean: 0,
        stddev: this.initializerStddev,
        seed: deriveSeed(this.seed, 1),
      }),
    );
    this.transformBias = this.addWeight(
      'transform_bias',
      [size],
      'float32',
      tf.initializers.zeros(),
    );
    this.gamma = this.addWeight('gamma', [size], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', [size], 'float32', tf.initializers.zeros());
    this.outputBias = this.addWeight(
      'output_bias',
      [this.vocabularySize],
      'float32',
      tf.initializers.zeros(),
    );
    this.built = true;
  }

  /**
   * The transform `LayerNorm(GELU(h · W + b))` of features `[N, D]`.
   *
   * @param features `[N, D]` encoder features (2-D: dense gradients need it)
   * @returns `[N, D]`
   */
  transform(features: tf.Tensor2D): tf.Tensor2D {
    const variables = this.variables();
    if (features.rank !== 2 || features.shape[1] !== this.embeddingSize) {
      throw new Error(
        `MaskedLanguageModelHead expects features [N, ${this.embeddingSize}], got ${JSON.stringify(features.shape)}.`,
      );
    }
    return tf.tidy(() => {
      const hidden = gelu(
        tf.fused.matMul({ a: features, b: variables.kernel, bias: variables.bias }),
      );
      return layerNormalize(hidden, variables.gamma, variables.beta, this.epsilon) as tf.Tensor2D;
    });
  }

  /**
   * Vocabulary logits of features: `transform(h) · Eᵀ + bias`, with `E` the encoder's token
   * embeddings (tied weights).
   *
   * @param features `[N, D]` encoder features at the positions to predict
   * @param embeddings the token-embedding table `E` `[V, D]` (`encoder.getTokenEmbeddings()`)
   * @returns `[N, V]` logits
   * @example const logits = head.logits(selected, encoder.getTokenEmbeddings());
   */
  logits(features: tf.Tensor2D, embeddings: tf.Tensor2D): tf.Tensor2D {
    if (embeddings.rank !== 2 || embeddings.shape[0] !== this.vocabularySize) {
      throw new Error(
        `MaskedLanguageModelHead.logits expects embeddings [${this.vocabularySize}, ${this.embeddingSize}], ` +
          `got ${JSON.stringify(embeddings.shape)}: pass the encoder's getTokenEmbeddings().`,
      );
    }
    const { outputBias } = this.variables();
    return tf.tidy(() =>
      addBias(tf.matMul(this.transform(features), embeddings, false, true), outputBias),
    );
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const features = Array.isArray(inputs) ? inputs[0] : inputs;
    if (features === undefined)
      throw new Error('MaskedLanguageModelHead needs one input tensor of features.');
    return tf.tidy(() => {
      const shape = features.shape;
      const flat = features.reshape([-1, this.embeddingSize]) as tf.Tensor2D;
      return this.transform(flat).reshape(shape);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      embeddingSize: this.embeddingSize,
      vocabularySize: this.vocabularySize,
      epsilon: this.epsilon,
      initializerStddev: this.initializerStddev,
      seed: this.seed,
    };
  }

  private variables(): {
    kernel: tf.Tensor2D;
    bias: tf.Tensor1D;
    gamma: tf.Tensor1D;
    beta: tf.Tensor1D;
    outputBias: tf.Tensor1D;
  } {
    const { transformKernel, transformBias, gamma, beta, outputBias } = this;
    if (
      transformKernel === undefined ||
      transformBias === undefined ||
      gamma === undefined ||
      beta === undefined ||
      outputBias === undefined
    ) {
      throw new Error(
        `MaskedLanguageModelHead '${this.name}' is not built yet: create it with createMaskedLanguageModelHead().`,
      );
    }
    return {
      kernel: transformKernel.read() as tf.Tensor2D,
      bias: transformBias.read() as tf.Tensor1D,
      gamma: gamma.read() as tf.Tensor1D,
      beta: beta.read() as tf.Tensor1D,
      outputBias: outputBias.read() as tf.Tensor1D,
    };
  }
}

/**
 * Builds the masked-LM head as a one-layer `tf.LayersModel` (what objectives list in `heads` and
 * checkpoints save) around a {@link MaskedLanguageModelHead}.
 *
 * @param args sizes, epsilon, initializer and seed; see {@link MaskedLanguageModelHeadArgs}
 * @returns the model and its head layer (use `layer.logits` for the tied decoder)
 * @example
 * const { model, layer } = createMaskedLanguageModelHead({ embeddingSize: 128, vocabularySize: 4000 });
 */
export function createMaskedLanguageModelHead(args: MaskedLanguageModelHeadArgs): {
  readonly model: tf.LayersModel;
  readonly layer: MaskedLanguageModelHead;
} {
  const layer = new MaskedLanguageModelHead({ name: 'masked_language_model_head', ...args });
  const input = tf.input({ shape: [args.embeddingSize], name: 'features' });
  const output = layer.apply(input) as tf.SymbolicTensor;
  return { model: tf.model({ inputs: input, outputs: output, name: 'bert_mlm_head' }), layer };
}

/**
 * Finds the {@link MaskedLanguageModelHead} of a head model (built by
 * {@link createMaskedLanguageModelHead} or loaded from a checkpoint).
 *
 * @param model the head model
 * @returns its head layer
 * @example const layer = findMaskedLanguageModelHead(checkpoint.heads.maskedLanguageModel!);
 */
export function findMaskedLanguageModelHead(model: tf.LayersModel): MaskedLanguageModelHead {
  const layer = model.layers.find((candidate) => candidate instanceof MaskedLanguageModelHead);
  if (layer === undefined) {
    throw new Error(
      `Model '${model.name}' has no MaskedLanguageModelHead layer: pass the 'maskedLanguageModel' head of a BERT checkpoint ` +
        '(call registerBertLayers() before loading it).',
    );
  }
  return layer as MaskedLanguageModelHead;
}

/**
 * Registers BERT's custom layer ({@link MaskedLanguageModelHead}, saved as
 * `SelfsupMaskedLanguageModelHead`) with `tf.serialization`, so that `tf.loadLayersModel` can
 * rebuild a BERT checkpoint's `heads/maskedLanguageModel/`. Explicit and idempotent: nothing is
 * registered at import time. {@link loadBert} calls it.
 *
 * @example
 * registerBertLayers();
 * const head = await tf.loadLayersModel('file://runs/bert/step-00001000/heads/maskedLanguageModel/model.json');
 */
export function registerBertLayers(): void {
  tf.serialization.registerClass(
    MaskedLanguageModelHead as unknown as tf.serialization.SerializableConstructor<tf.layers.Layer>,
    'selfsup',
  );
}
