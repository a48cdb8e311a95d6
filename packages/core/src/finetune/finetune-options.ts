import type * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import type { LabeledData } from './labeled-data';

/**
 * How {@link finetune} adapts an encoder to labels:
 * - `'linear-probe'`: the encoder is frozen; a linear (softmax) head is trained on its features;
 * - `'full'`: the encoder and the head are trained together (the encoder is changed in place);
 * - `'knn'`: no training; weighted k-nearest-neighbour votes on L2-normalised features.
 */
export type FinetuneMode = 'linear-probe' | 'full' | 'knn';

/**
 * An augmentation applied to every training batch (inputs in the encoder's format, same shape out).
 * It must be a pure function of the batch and the seed, so that two runs given the same seed see the
 * same augmented batches (this is how pretrained and scratch encoders get the same augmentation).
 */
export type AugmentFunction = (batch: tf.Tensor, seed: number) => tf.Tensor;

/** What {@link finetune} reports after each epoch. */
export type FinetuneProgress = {
  /** 1-based epoch that just ended. */
  readonly epoch: number;
  /** The epoch budget. */
  readonly epochs: number;
  /** Mean training loss of the epoch. */
  readonly trainLoss: number;
  /** Validation loss, when there is a validation set. */
  readonly validationLoss?: number;
  /** Validation accuracy (classification with a validation set). */
  readonly validationAccuracy?: number;
  /** The best epoch so far by the monitored metric (validation only). */
  readonly bestEpoch?: number;
};

const isFunction = (value: unknown): boolean => typeof value === 'function';

/** Early stopping on the validation set. */
export const earlyStoppingSchema = z.object({
  /** Epochs without improvement before training stops. @default 5 */
  patience: z.number().int().min(1).default(5),
  /** The validation quantity watched: `'loss'` (lower is better) or `'accuracy'` (higher is better). @default 'loss' */
  monitor: z.enum(['loss', 'accuracy']).default('loss'),
  /** The smallest change that counts as an improvement. @default 0 */
  minDelta: z.number().min(0).default(0),
  /** Put back the weights of the best epoch when training ends. @default true */
  restoreBestWeights: z.boolean().default(true),
});

/**
 * Options of {@link finetune}, as a zod schema (the single source of the defaults).
 * Learning rate and weight decay default by mode (see {@link resolveLearningRate}).
 */
export const finetuneOptionsSchema = z.object({
  /** How to adapt the encoder. @default 'linear-probe' */
  mode: z.enum(['linear-probe', 'full', 'knn']).default('linear-probe'),
  /** Classification (softmax head, cross-entropy) or regression (linear head, mean squared error). @default 'classification' */
  task: z.enum(['classification', 'regression']).default('classification'),
  /** Number of classes; inferred as the largest training label + 1 (at least 2) when absent. */
  numClasses: z.number().int().min(2).optional(),
  /** Maximum number of passes over the training set (exact count without early stopping). @default 30 */
  epochs: z.number().int().min(1).default(30),
  /**
   * At least this many optimizer steps: on small labeled sets (a few labels per class) the epochs
   * are raised so that training is not cut short by the label count. Early stopping still applies.
   * @default 0
   */
  minimumSteps: z.number().int().min(0).default(0),
  /** Training batch size. @default 32 */
  batchSize: z.number().int().min(1).default(32),
  /** Batch size of feature extraction and prediction (never the whole set at once). @default 256 */
  inferenceBatchSize: z.number().int().min(1).default(256),
  /**
   * 'linear-probe' only: train the head on features standardised with the training features' mean
   * and standard deviation (MAE's BatchNorm without affine before the linear classifier), then fold
   * the standardisation into the head, so the returned model reads raw features. @default true
   */
  standardizeFeatures: z.boolean().default(true),
  /** Head learning rate; @default 1e-2 for 'linear-probe', 1e-3 for 'full'. */
  learningRate: z.number().positive().optional(),
  /** The encoder's learning rate is `learningRate × encoderLearningRateMultiplier` ('full' only; 0 freezes its weights, BatchNorm statistics still update). @default 1 */
  encoderLearningRateMultiplier: z.number().min(0).default(1),
  /**
   * 'full' only: LP-FT (Kumar et al. 2022, "Fine-Tuning can Distort Pretrained Features"): first fit
   * the head as a linear probe on the frozen encoder (standardised features, this many epochs at
   * most at `learningRate` — the probe's default 1e-2 when absent —, early stopping like the main
   * run), then finetune encoder and head starting from that head instead of a random one, so the
   * first gradients reaching the encoder are not those of a random classifier. `false`: random head.
   * @default false
   */
  linearProbeFirst: z
    .union([
      z.literal(false),
      z.object({
        epochs: z.number().int().min(1),
        learningRate: z.number().positive().optional(),
      }),
    ])
    .default(false),
  /** Decoupled weight decay (AdamW, Loshchilov & Hutter 2019) on weight matrices and kernels, not on biases or norms. @default 1e-4 */
  weightDecay: z.number().min(0).default(1e-4),
  /** Seed of the data order, the head initialisation and the augmentation seeds. @default 0 */
  seed: z.number().int().default(0),
  /** A validation set (early stopping, validation metrics). */
  validation: z
    .custom<LabeledData>(
      (value) =>
        typeof value === 'object' && value !== null && 'inputs' in value && 'labels' in value,
      { message: 'validation must be { inputs: tf.Tensor, labels }' },
    )
    .optional(),
  /**
   * Fraction of the training set held out for validation (stratified per class for classification,
   * at least 1 per class; no split when some class has fewer than 2 examples). @default 0
   */
  validationSplit: z.number().min(0).max(0.9).default(0),
  /** Early stopping on the validation set; `false` turns it off (validation metrics are still recorded). */
  earlyStopping: z
    .union([earlyStoppingSchema, z.literal(false)])
    .default(earlyStoppingSchema.parse({})),
  /** Neighbours that vote in 'knn' mode (clipped to the training set size); 20 as in DINO, 200 (Wu et al. 2018) for banks of ~10⁵ examples or more. @default 20 */
  k: z.number().int().min(1).default(20),
  /** Temperature τ of the kNN vote weights exp(s/τ) (Wu et al. 2018). @default 0.07 */
  temperature: z.number().positive().default(0.07),
  /** Augmentation of each training batch, `(batch, seed) => batch`. */
  augment: z
    .custom<AugmentFunction>(isFunction, {
      message: 'augment must be a function (batch, seed) => tf.Tensor',
    })
    .optional(),
  /** Called after each epoch. */
  onProgress: z
    .custom<(progress: FinetuneProgress) => void>(isFunction, {
      message: 'onProgress must be a function',
    })
    .optional(),
});

/** Options of {@link finetune} as a caller writes them (everything optional). */
export type FinetuneOptions = z.input<typeof finetuneOptionsSchema>;

/** Options of {@link finetune} with every default filled in. */
export type ResolvedFinetuneOptions = z.output<typeof finetuneOptionsSchema>;

/**
 * Validates finetune options and fills in the defaults; a bad option throws an error that names it.
 *
 * @param options what the caller passed.
 * @returns the options with defaults.
 * @example parseFinetuneOptions({ mode: 'full' }).epochs; // 30
 */
export function parseFinetuneOptions(options: FinetuneOptions = {}): ResolvedFinetuneOptions {
  const result = finetuneOptionsSchema.safeParse(options);
  if (!result.success) {
    throw new Error(`Invalid finetune options:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/**
 * The head learning rate of a run: the option, else 1e-2 for a linear probe (a convex problem on
 * fixed features) and 1e-3 for full finetuning.
 *
 * @param options resolved options.
 * @returns the learning rate.
 * @example resolveLearningRate(parseFinetuneOptions({ mode: 'full' })); // 1e-3
 */
export function resolveLearningRate(options: ResolvedFinetuneOptions): number {
  return options.learningRate ?? (options.mode === 'full' ? 1e-3 : 1e-2);
}
