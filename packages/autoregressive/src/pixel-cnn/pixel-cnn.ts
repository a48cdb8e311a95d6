import type {
  EncodeOptionsV1,
  EncoderConfigV1,
  EncoderFactory,
  EncoderV1,
  InputSpecV1,
} from '@selfsup/core';
import { deriveSeed } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { GatedPixelCnnBlock } from './gated-pixel-cnn-block';
import { PixelCnnOutputHead } from './pixel-cnn-output-head';
import { registerPixelCnnLayers } from './register-pixel-cnn-layers';

/** The `EncoderV1.type` of {@link PixelCnn}. */
export const pixelCnnEncoderType = 'pixel-cnn';

/** Options of {@link createPixelCnn}. */
export type PixelCnnOptions = {
  /** Image height. @default 28 (MNIST) */
  readonly height?: number;
  /** Image width. @default 28 (MNIST) */
  readonly width?: number;
  /** Hidden channels `C` of the vertical and horizontal stacks. @default 32 */
  readonly channels?: number;
  /** Gated blocks, the first included. @default 5 */
  readonly blocks?: number;
  /** Kernel size of the first block (mask A); the paper's first layer is 7×7. @default 7 */
  readonly firstKernelSize?: number;
  /** Kernel size of the later blocks (mask B). @default 3 */
  readonly kernelSize?: number;
  /** Hidden width of the output head (ReLU, 1×1, ReLU, 1×1). @default channels */
  readonly outputHiddenUnits?: number;
  /**
   * The logit every pixel starts from (the output bias at initialisation). Set it to the logit of
   * the mean pixel, `log(p / (1 − p))` (binarized MNIST: p ≈ 0.131, −1.9), and training starts
   * from the marginal (≈ 305 nats per image on MNIST) instead of ln 2 per pixel (543).
   * @default 0
   */
  readonly outputBias?: number;
  /** Classes of the class-conditional bias (labels are then an input); 0 for an unconditional model. @default 0 */
  readonly classes?: number;
  /** Seed of every initialiser. @default 0 */
  readonly seed?: number;
};

/** {@link PixelCnnOptions} with every default filled in. */
export type PixelCnnSettings = { readonly [Key in keyof PixelCnnOptions]-?: number };

/** Options of {@link PixelCnn.doLogits}. */
export type PixelCnnLogitsOptions = EncodeOptionsV1 & {
  /** Class labels `[B]` (int32) of a class-conditional model; absent: no class bias (all-zero one-hot). */
  readonly labels?: tf.Tensor1D;
};

function resolveSettings(options: PixelCnnOptions): PixelCnnSettings {
  const channels = options.channels ?? 32;
  const settings: PixelCnnSettings = {
    height: options.height ?? 28,
    width: options.width ?? 28,
    channels,
    blocks: options.blocks ?? 5,
    firstKernelSize: options.firstKernelSize ?? 7,
    kernelSize: options.kernelSize ?? 3,
    outputHiddenUnits: options.outputHiddenUnits ?? channels,
    outputBias: options.outputBias ?? 0,
    classes: options.classes ?? 0,
    seed: options.seed ?? 0,
  };
  const positive = ['height', 'width', 'channels', 'blocks', 'outputHiddenUnits'] as const;
  for (const name of positive) {
    const value = settings[name];
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`createPixelCnn: ${name} must be a positive integer, got ${value}.`);
    }
  }
  if (settings.height < 2 || settings.width < 2) {
    throw new RangeError(
      `createPixelCnn: images must be at least 2×2, got ${settings.height}×${settings.width}.`,
    );
  }
  for (const name of ['firstKernelSize', 'kernelSize'] as const) {
    const value = settings[name];
    if (!Number.isInteger(value) || value < 3 || value % 2 === 0) {
      throw new RangeError(
        `createPixelCnn: ${name} must be an odd integer ≥ 3 (the kernel is centred on the pixel), got ${value}.`,
      );
    }
  }
  if (!Number.isInteger(settings.classes) || settings.classes < 0) {
    throw new RangeError(
      `createPixelCnn: classes must be 0 (unconditional) or the number of classes, got ${settings.classes}.`,
    );
  }
  if (!Number.isFinite(settings.outputBias)) {
    throw new RangeError(`createPixelCnn: outputBias must be finite, got ${settings.outputBias}.`);
  }
  if (!Number.isInteger(settings.seed)) {
    throw new RangeError(`createPixelCnn: seed must be an integer, got ${settings.seed}.`);
  }
  return settings;
}

function buildModel(settings: PixelCnnSettings): tf.LayersModel {
  const images = tf.input({ shape: [null, null, 1], name: 'pixel_cnn_images' });
  const onehot =
    settings.classes > 0
      ? tf.input({ shape: [settings.classes], name: 'pixel_cnn_classes' })
      : undefined;
  const condition = onehot === undefined ? [] : [onehot];
  let stacks: tf.SymbolicTensor[] = [images, images];
  for (let index = 0; index < settings.blocks; index++) {
    const block = new GatedPixelCnnBlock({
      name: `pixel_cnn_block_${index}`,
      channels: settings.channels,
      kernelSize: index === 0 ? settings.firstKernelSize : settings.kernelSize,
      first: index === 0,
      classes: settings.classes,
      seed: deriveSeed(settings.seed, index),
    });
    stacks = block.apply([...stacks, ...condition]) as tf.SymbolicTensor[];
  }
  const horizontal = stacks[1] as tf.SymbolicTensor;
  const logits = new PixelCnnOutputHead({
    name: 'pixel_cnn_output',
    hiddenUnits: settings.outputHiddenUnits,
    initialBias: settings.outputBias,
    seed: deriveSeed(settings.seed, settings.blocks),
  }).apply(horizontal) as tf.SymbolicTensor;
  const pooled = tf.layers
    .globalAveragePooling2d({ name: 'pixel_cnn_pooled' })
    .apply(horizontal) as tf.SymbolicTensor;
  return tf.model({ name: 'pixel_cnn', inputs: [images, ...condition], outputs: [logits, pooled] });
}

/**
 * A Gated PixelCNN (van den Oord, Kalchbrenner, Vinyals, Espeholt, Graves & Kavukcuoglu 2016,
 * "Conditional Image Generation with PixelCNN Decoders") for binary images: an autoregressive
 * model `p(x) = Πᵢ p(xᵢ | x₍<ᵢ₎)` over the pixels in raster order, one Bernoulli logit per pixel.
 *
 * As an {@link EncoderV1} (type `'pixel-cnn'`), its pooled representation is the global average
 * of the last horizontal stack `[B, C]`, so a pretrained PixelCNN can be probed and finetuned like
 * any encoder. {@link PixelCnn.doLogits} gives the per-pixel logits. The weights live in one
 * `tf.LayersModel` (outputs `[logits, pooled]`; inputs `[images]` or `[images, onehot]`) whose
 * spatial size is free, so sampling can run on the first rows only.
 */
export class PixelCnn implements EncoderV1 {
  readonly specificationVersion = 'v1' as const;
  readonly type = pixelCnnEncoderType;
  readonly inputSpec: InputSpecV1;
  readonly outputSize: number;
  readonly hasPositions = false;
  readonly model: tf.LayersModel;
  /** Every option, defaults filled in. */
  readonly settings: PixelCnnSettings;

  private constructor(model: tf.LayersModel, settings: PixelCnnSettings) {
    this.model = model;
    this.settings = settings;
    this.outputSize = settings.channels;
    this.inputSpec = {
      modality: 'image',
      shape: [settings.height, settings.width, 1],
      dtype: 'float32',
    };
  }

  /**
   * Builds a PixelCNN with fresh seeded weights; see {@link createPixelCnn}.
   *
   * @param options sizes, classes and seed.
   * @returns the network.
   * @example const network = PixelCnn.create({ channels: 16 });
   */
  static create(options: PixelCnnOptions = {}): PixelCnn {
    const settings = resolveSettings(options);
    return new PixelCnn(buildModel(settings), settings);
  }

  /**
   * Wraps a loaded model (a checkpoint's encoder) with its config.
   *
   * @param model the `tf.LayersModel` of a saved PixelCNN (call `registerPixelCnnLayers()` before loading it).
   * @param config the encoder config saved with it (`getConfig()`).
   * @returns the network.
   * @example const network = PixelCnn.fromModel(checkpoint.encoder, manifest.encoder.config);
   */
  static fromModel(model: tf.LayersModel, config: EncoderConfigV1): PixelCnn {
    const { type: _type, ...options } = config;
    return new PixelCnn(model, resolveSettings(options as PixelCnnOptions));
  }

  getConfig(): EncoderConfigV1 {
    return { type: pixelCnnEncoderType, ...this.settings };
  }

  private apply(images: tf.Tensor, options: PixelCnnLogitsOptions): [tf.Tensor4D, tf.Tensor2D] {
    if (images.rank !== 4 || images.shape[3] !== 1) {
      throw new Error(
        `PixelCNN takes binary images [B, H, W, 1], got shape ${JSON.stringify(images.shape)}; binarize them with binarizeImages().`,
      );
    }
    const inputs: tf.Tensor[] = [images];
    if (this.settings.classes > 0) {
      const batch = images.shape[0] as number;
      const { labels } = options;
      if (labels !== undefined && (labels.rank !== 1 || labels.shape[0] !== batch)) {
        throw new Error(
          `PixelCNN labels must be [B] = [${batch}] class indices, got shape ${JSON.stringify(labels.shape)}.`,
        );
      }
      inputs.push(
        labels === undefined
          ? tf.zeros([batch, this.settings.classes])
          : tf.oneHot(labels.toInt(), this.settings.classes).cast('float32'),
      );
    } else if (options.labels !== undefined) {
      throw new Error(
        'This PixelCNN is unconditional (classes: 0) but labels were given; create it with `classes` to condition on labels.',
      );
    }
    const outputs = this.model.apply(inputs.length === 1 ? inputs[0]! : inputs, {
      training: options.training,
    }) as tf.Tensor[];
    return [outputs[0] as tf.Tensor4D, outputs[1] as tf.Tensor2D];
  }

  /**
   * Bernoulli logits of every pixel given the pixels before it: `[B, H, W, 1]`.
   *
   * Logit `(r, c)` depends only on the pixels before `(r, c)` in raster order (and on the label
   * of a class-conditional model), so one pass scores a whole image (teacher forcing). Any image
   * size works; row `r`'s logits only depend on rows ≤ r.
   *
   * @param images binary images `[B, H, W, 1]` (0 or 1, float32).
   * @param options training mode and, for a class-conditional model, the labels `[B]`.
   * @returns logits `[B, H, W, 1]`.
   * @example const logits = network.doLogits(images, { training: false });
   */
  doLogits(images: tf.Tensor, options: PixelCnnLogitsOptions): tf.Tensor4D {
    return tf.tidy(() => this.apply(images, options)[0]);
  }

  doEncode(input: tf.Tensor, options: EncodeOptionsV1): tf.Tensor2D {
    return tf.tidy(() => this.apply(input, options)[1]);
  }

  dispose(): void {
    this.model.dispose();
  }
}

/**
 * Builds a Gated PixelCNN for binary images (van den Oord et al. 2016, "Conditional Image
 * Generation with PixelCNN Decoders"): a first gated block with a 7×7 receptive field that
 * excludes the current pixel (mask A), `blocks − 1` gated residual blocks with 3×3 kernels
 * (mask B), then ReLU–1×1–ReLU–1×1 to one Bernoulli logit per pixel.
 *
 * Defaults (`channels` 32, `blocks` 5, 28×28) are sized for the wasm backend on 2 cores, far
 * below the paper's 15 layers × 128 channels; see docs/pixel-cnn.md for the measured ms/step.
 * The first kernel of 7 follows PixelCNN (van den Oord, Kalchbrenner & Kavukcuoglu 2016,
 * Table 1); `classes` adds the paper's class-conditional bias in every block.
 *
 * @param options sizes, classes and seed (see {@link PixelCnnOptions}).
 * @returns the network, an {@link EncoderV1} of type `'pixel-cnn'` with {@link PixelCnn.doLogits}.
 * @example
 * const network = createPixelCnn({ channels: 32, blocks: 5, seed: 1 });
 * const logits = network.doLogits(binaryImages, { training: false }); // [B, 28, 28, 1]
 */
export function createPixelCnn(options: PixelCnnOptions = {}): PixelCnn {
  return PixelCnn.create(options);
}

/**
 * The {@link EncoderFactory} of `'pixel-cnn'`, for core's `createEncoder`, `encoderFromModel` and
 * `loadEncoder` (which only know core's encoders): pass `{ 'pixel-cnn': pixelCnnEncoderFactory }`.
 * `fromModel` registers PixelCNN's layers first; call `registerPixelCnnLayers()` yourself before
 * loading a checkpoint.
 *
 * @example
 * registerPixelCnnLayers();
 * const encoder = await loadEncoder('runs/pixel-cnn', { 'pixel-cnn': pixelCnnEncoderFactory });
 */
export const pixelCnnEncoderFactory: EncoderFactory = {
  create: (config) => {
    const { type: _type, ...options } = config;
    return PixelCnn.create(options as PixelCnnOptions);
  },
  fromModel: (model, config) => {
    registerPixelCnnLayers();
    return PixelCnn.fromModel(model, config);
  },
};
