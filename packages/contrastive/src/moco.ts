import {
  cloneEncoder,
  createImageViews,
  deriveSeed,
  type EncoderV1,
  type ImageViewOptions,
  type LossResultV1,
  mnistViewPreset,
  type ObjectiveV1,
  SeededRandom,
  type StepContextV1,
} from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { mocoInfoNceLoss } from './moco-info-nce-loss';
import { MocoQueue } from './moco-queue';
import { momentumUpdate } from './momentum-update';
import { normalizeRows } from './normalize-rows';
import { createProjectionHead } from './projection-head';

/** Options of {@link createMoco}. */
export type MocoOptions = {
  /** The query image encoder; its pooled output is the representation that transfers. */
  readonly encoder: EncoderV1;
  /**
   * The key (momentum) encoder: same architecture and layer names as `encoder`; its trainable
   * weights are overwritten with the encoder's. Pass one for encoder types outside core.
   * @default cloneEncoder(encoder)
   */
  readonly keyEncoder?: EncoderV1;
  /** Hidden width of the 2-layer MLP projection head. @default the encoder's output size */
  readonly projectionHiddenUnits?: number;
  /** Output width of the projection head (the width of keys in the queue). @default 128 (the paper's) */
  readonly projectionSize?: number;
  /** InfoNCE temperature τ. @default 0.2 (MoCo v2; v1 used 0.07) */
  readonly temperature?: number;
  /**
   * Momentum `m` of the key encoder: `θ_k ← m·θ_k + (1 − m)·θ_q` after every step. The paper's
   * 0.999 averages over ~1,000 steps, right for its ~1M-step runs; in runs of a few thousand steps
   * it keeps the keys close to the random initialisation for much of training, so the default is
   * 0.99 (~100 steps). Use 0.99–0.999.
   * @default 0.99
   */
  readonly momentum?: number;
  /** Number of negatives `K` in the queue; at least the batch size. @default 4096 (the paper: 65,536 with batches of 256) */
  readonly queueSize?: number;
  /**
   * Emulated Shuffling BN: each view is encoded in this many groups (BatchNorm statistics per
   * group), and the key batch is permuted before it is split, so that a query and its positive key
   * are normalised with statistics of different examples. 1 turns it off. Groups keep ≥ 2 examples.
   * @default 4
   */
  readonly batchNormGroups?: number;
  /** The augmentations that make the two views. @default mnistViewPreset (affine, jitter, blur; no crop, no flip) */
  readonly views?: ImageViewOptions;
  /** Seed of the projection head's initialisation and of the initial queue. @default 0 */
  readonly seed?: number;
};

/** A batch of images, alone or with labels that MoCo ignores. */
export type MocoBatch = tf.Tensor4D | { readonly images: tf.Tensor4D };

/** The MoCo objective: an {@link ObjectiveV1} that also exposes its momentum parts. */
export type MocoObjective = ObjectiveV1<MocoBatch> & {
  /** The key (momentum) encoder, frozen for the optimizer (`trainable = false`). */
  readonly keyEncoder: EncoderV1;
  /** The dictionary of negatives. */
  readonly queue: MocoQueue;
  /** The momentum `m` in effect. */
  readonly momentum: number;
};

const SHUFFLE_PURPOSE = 41;

/** Sizes of `groups` consecutive groups covering `count` examples (the first ones one larger). */
function groupSizes(count: number, groups: number): number[] {
  const base = Math.floor(count / groups);
  return Array.from({ length: groups }, (_, index) => base + (index < count % groups ? 1 : 0));
}

/** Encodes `images` group by group (BatchNorm statistics per group) and concatenates the features. */
function encodeInGroups(
  encoder: EncoderV1,
  images: tf.Tensor4D,
  sizes: readonly number[],
  training: boolean,
): tf.Tensor2D {
  if (sizes.length === 1) return encoder.doEncode(images, { training });
  const parts = tf.split(images, [...sizes], 0);
  return tf.concat(
    parts.map((part) => encoder.doEncode(part, { training })),
    0,
  ) as tf.Tensor2D;
}

/**
 * MoCo v2 (He, Fan, Wu, Xie & Girshick 2020, "Momentum Contrast for Unsupervised Visual
 * Representation Learning"; Chen, Fan, Girshick & He 2020, "Improved Baselines with Momentum
 * Contrastive Learning"): a query view goes through the encoder and a 2-layer MLP head; a key view
 * of the same image goes through a momentum copy of both (no gradient); InfoNCE classifies each
 * query's key among the `K` keys of earlier batches held in a queue. After each step the key
 * networks move towards the query networks by EMA and the batch's keys replace the oldest ones.
 * The encoder's representation (before the head) is what transfers.
 *
 * Defaults: head `D → D (ReLU) → 128`, τ = 0.2, `K` = 4096, m = 0.99 (the paper's 0.999 suits
 * runs of ~1M steps; see {@link MocoOptions.momentum}), views from `mnistViewPreset` (MoCo v2 uses
 * SimCLR's augmentations), metric `accuracy` = contrastive accuracy (the positive ranked first).
 *
 * Key networks: saved in checkpoints as the heads `keyEncoder` and `keyProjection` and excluded
 * from the optimizer (`trainable = false`); keys are computed without gradient. Their BatchNorm
 * layers use batch statistics in training mode and keep their own moving statistics; only the
 * trainable weights follow the EMA, as in MoCo's code.
 *
 * BatchNorm on one device: MoCo's Shuffling BN (§3.3) computes keys on a permuted batch split over
 * GPUs so that a query and its positive key never share BatchNorm statistics (otherwise the model
 * can recognise its batch instead of its image). Here each view is encoded in `batchNormGroups`
 * groups, the key batch permuted before it is split and un-permuted after (a single-device
 * Split/Shuffle BN, as in the MoCo authors' CIFAR demo). The query encoder's moving statistics are
 * then updated once per group.
 *
 * The queue and its pointer are the objective state (`doGetState`: `queue` `[K, 128]`,
 * `queuePointer`), so `pretrain({ resume })` continues a run exactly.
 *
 * @param options encoder and hyper-parameters (see {@link MocoOptions}).
 * @returns the objective; dispose it when done (it frees both encoders, heads and the queue).
 * @example
 * const objective = createMoco({ encoder: createConvNetEncoder() });
 * await pretrain(objective, imageBatchSource(loadMnist('train'), { batchSize: 128 }), { steps: 500 });
 */
export function createMoco(options: MocoOptions): MocoObjective {
  const {
    encoder,
    projectionSize = 128,
    temperature = 0.2,
    momentum = 0.99,
    queueSize = 4096,
    batchNormGroups = 4,
    views = mnistViewPreset,
    seed = 0,
  } = options;
  const projectionHiddenUnits = options.projectionHiddenUnits ?? encoder.outputSize;
  if (encoder.inputSpec.modality !== 'image') {
    throw new Error(`MoCo needs an image encoder, got a '${encoder.inputSpec.modality}' encoder.`);
  }
  if (!(temperature > 0)) throw new RangeError(`temperature must be > 0, got ${temperature}.`);
  if (!(momentum >= 0 && momentum <= 1)) {
    throw new RangeError(`momentum must be in [0, 1] (MoCo uses 0.99–0.999), got ${momentum}.`);
  }
  if (!(Number.isInteger(queueSize) && queueSize > 0))
    throw new RangeError(`queueSize must be a positive integer, got ${queueSize}.`);
  if (!(Number.isInteger(batchNormGroups) && batchNormGroups > 0))
    throw new RangeError(`batchNormGroups must be a positive integer, got ${batchNormGroups}.`);
  if (options.keyEncoder === encoder)
    throw new Error('keyEncoder must be a separate copy of encoder (cloneEncoder(encoder)).');

  const buildHead = (name: string): tf.Sequential =>
    createProjectionHead({
      name,
      inputSize: encoder.outputSize,
      hiddenUnits: projectionHiddenUnits,
      outputSize: projectionSize,
      seed,
    });
  const head = buildHead('moco_projection');
  const keyHead = buildHead('moco_key_projection');
  const keyEncoder = options.keyEncoder ?? cloneEncoder(encoder);
  // The key networks start as copies of the query networks (θ_k ← θ_q), then leave the optimizer.
  momentumUpdate(keyEncoder.model, encoder.model, 0);
  momentumUpdate(keyHead, head, 0);
  keyEncoder.model.trainable = false;
  keyHead.trainable = false;
  const queue = new MocoQueue({
    size: queueSize,
    dimension: projectionSize,
    seed: deriveSeed(seed, 1),
  });
  const augment = createImageViews(views);
  // Normalised keys of the current step, enqueued by doAfterStep (several with accumulation).
  let pending: { step: number; keys: tf.Tensor2D }[] = [];
  const clearPending = (): void => {
    for (const entry of pending) entry.keys.dispose();
    pending = [];
  };

  const computeKeys = (images: tf.Tensor4D, sizes: number[], context: StepContextV1) =>
    tf.tidy(() => {
      const count = images.shape[0];
      let features: tf.Tensor2D;
      if (sizes.length === 1) {
        features = keyEncoder.doEncode(images, { training: context.training });
      } else {
        const order = new SeededRandom(deriveSeed(context.seed, SHUFFLE_PURPOSE)).permutation(
          count,
        );
        const inverse = new Int32Array(count);
        order.forEach((example, position) => {
          inverse[example] = position;
        });
        const shuffled = tf.gather(images, tf.tensor1d(order, 'int32'));
        const encoded = encodeInGroups(keyEncoder, shuffled, sizes, context.training);
        features = tf.gather(encoded, tf.tensor1d(inverse, 'int32'));
      }
      const keys = keyHead.apply(features, { training: context.training }) as tf.Tensor2D;
      return normalizeRows(keys);
    });

  return {
    specificationVersion: 'v1',
    method: 'moco',
    encoder,
    keyEncoder,
    queue,
    momentum,
    heads: { keyEncoder: keyEncoder.model, keyProjection: keyHead, projection: head },
    getConfig: () => ({
      method: 'moco',
      projectionHiddenUnits,
      projectionSize,
      temperature,
      momentum,
      queueSize,
      batchNormGroups,
      seed,
    }),
    doLoss(batch: MocoBatch, context: StepContextV1): LossResultV1 {
      const images = batch instanceof tf.Tensor ? batch : batch.images;
      const count = images.shape[0];
      if (count < 2) throw new Error('MoCo needs at least 2 images per batch.');
      if (count > queueSize) {
        throw new Error(
          `MoCo's queue (queueSize ${queueSize}) must hold at least one batch (${count} images): raise queueSize or lower the batch size.`,
        );
      }
      const sizes = groupSizes(
        count,
        Math.max(1, Math.min(batchNormGroups, Math.floor(count / 2))),
      );
      const [queryViews, keyViews] = augment.twoViews(images, context.seed);
      const queries = head.apply(encodeInGroups(encoder, queryViews, sizes, context.training), {
        training: context.training,
      }) as tf.Tensor2D;
      const keys = computeKeys(keyViews, sizes, context);
      const { loss, accuracy } = mocoInfoNceLoss(queries, keys, queue.keys, temperature);
      if (context.training) pending.push({ step: context.step, keys: tf.keep(keys) });
      return { loss, metrics: { accuracy } };
    },
    doAfterStep(context: StepContextV1): void {
      momentumUpdate(keyEncoder.model, encoder.model, momentum);
      momentumUpdate(keyHead, head, momentum);
      for (const entry of pending) if (entry.step === context.step) queue.enqueue(entry.keys);
      clearPending();
    },
    doGetState(): Record<string, tf.Tensor> {
      return { ...queue.getState() };
    },
    doSetState(state: Readonly<Record<string, tf.Tensor>>): void {
      clearPending();
      queue.setState(state);
    },
    dispose() {
      clearPending();
      queue.dispose();
      head.dispose();
      keyHead.dispose();
      keyEncoder.dispose();
      encoder.dispose();
    },
  };
}
