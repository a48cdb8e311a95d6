import type { LossResultV1, ObjectiveV1, StepContextV1 } from '@selfsup/core';
import { deriveSeed, maskSpans } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { GumbelVectorQuantizer } from './gumbel-vector-quantizer';
import { type NegativeSource, sampleNegatives } from './sample-negatives';
import { wav2vec2ContrastiveLoss } from './wav2vec2-contrastive-loss';
import {
  createWav2vec2Encoder,
  registerWav2vec2Layers,
  type Wav2vec2Encoder,
} from './wav2vec2-encoder';

/** The Gumbel-softmax temperature schedule of {@link createWav2vec2}. */
export type GumbelTemperatureSchedule = {
  /** τ at step 0. @default 2 (wav2vec 2.0) */
  readonly start?: number;
  /** The floor τ decays to. @default 0.5 (wav2vec 2.0) */
  readonly end?: number;
  /**
   * Steps over which τ decays geometrically from `start` to `end`. The paper multiplies τ by
   * 0.999995 per update (277k updates from 2 to 0.5 over its 400k); scaled to short runs here.
   * @default 2000
   */
  readonly annealingSteps?: number;
};

/** Options of {@link createWav2vec2}. */
export type Wav2vec2Options = {
  /** The encoder to train (the objective owns it). @default createWav2vec2Encoder() */
  readonly encoder?: Wav2vec2Encoder;
  /** p, the probability that a frame starts a masked span. @default 0.065 (wav2vec 2.0) */
  readonly maskProbability?: number;
  /** M, the frames per masked span (shortened on clips under 2M frames). @default 10 (wav2vec 2.0) */
  readonly maskLength?: number;
  /** K, distractors per masked frame. @default 20 (the paper's 100, scaled to ~24 masked frames per 1 s clip) */
  readonly negatives?: number;
  /**
   * Where distractors come from: the other masked frames of the clip (`'masked'`, the paper), any
   * other frame of the clip (`'all'`), or the other masked frames of the whole batch (`'batch'`:
   * not the paper; it also rewards features that tell clips apart). See `sampleNegatives`.
   * @default 'masked'
   */
  readonly negativesFrom?: NegativeSource;
  /** G, the number of codebooks. @default 2 (wav2vec 2.0) */
  readonly codebooks?: number;
  /** V, entries per codebook. @default 32 (the paper's 320, scaled to ~800 frames per batch) */
  readonly codebookSize?: number;
  /** Size of the quantized vector (G codewords of `quantizedSize / G`). @default 64 (paper: 256) */
  readonly quantizedSize?: number;
  /** F, the size both `c_t` and `q_t` are projected to before the cosine similarity. @default 64 (paper: 256) */
  readonly finalSize?: number;
  /** κ, the temperature of the contrastive logits. @default 0.1 (wav2vec 2.0) */
  readonly contrastiveTemperature?: number;
  /** α, the weight of the diversity loss. @default 0.1 (wav2vec 2.0) */
  readonly diversityWeight?: number;
  /** The Gumbel-softmax temperature schedule. @default { start: 2, end: 0.5, annealingSteps: 2000 } */
  readonly gumbelTemperature?: GumbelTemperatureSchedule;
  /** Seed of the heads' initializers. @default 0 */
  readonly seed?: number;
};

/** A batch of clips `[B, T, 1]`, alone or with labels that wav2vec 2.0 ignores. */
export type Wav2vec2Batch = tf.Tensor3D | { readonly audio: tf.Tensor3D };

/** The wav2vec 2.0 objective: an {@link ObjectiveV1} whose encoder is a {@link Wav2vec2Encoder}. */
export type Wav2vec2Objective = ObjectiveV1<Wav2vec2Batch> & {
  readonly encoder: Wav2vec2Encoder;
  /** τ of the Gumbel softmax at a step. */
  gumbelTemperature(step: number): number;
};

/**
 * τ of a geometric schedule from `start` to `end` over `annealingSteps`, constant afterwards.
 *
 * @param step the optimizer step.
 * @param schedule start, end, annealing steps.
 * @returns τ at `step`.
 * @example gumbelTemperatureAt(1000, { start: 2, end: 0.5, annealingSteps: 2000 }); // 1
 */
export function gumbelTemperatureAt(
  step: number,
  schedule: GumbelTemperatureSchedule = {},
): number {
  const { start = 2, end = 0.5, annealingSteps = 2000 } = schedule;
  if (!(start > 0 && end > 0 && end <= start && annealingSteps >= 1)) {
    throw new Error(
      `gumbelTemperature: need start ≥ end > 0 and annealingSteps ≥ 1, got start ${start}, end ${end}, annealingSteps ${annealingSteps}.`,
    );
  }
  return Math.max(end, start * (end / start) ** (Math.max(0, step) / annealingSteps));
}

/**
 * wav2vec 2.0 (Baevski, Zhou, Mohamed & Auli 2020, "wav2vec 2.0: A Framework for
 * Self-Supervised Learning of Speech Representations"): a conv feature encoder turns raw audio
 * into frames `z_t`; spans of frames are masked (p = 0.065, M = 10: ~49% of the frames) by
 * replacing their projection with a learned mask embedding; a Transformer builds contexts `c_t`;
 * a Gumbel-softmax product quantizer (G codebooks × V entries) turns the unmasked `z_t` into
 * targets `q_t`; at every masked frame, `c_t` must pick `q_t` among K distractors drawn from the
 * other masked frames of the same clip (cosine similarity / κ).
 *
 * Loss: `L = L_m + α L_d` with the contrastive loss {@link wav2vec2ContrastiveLoss} and the
 * diversity loss `L_d = (G·V − perplexity(p̄))/(G·V)` that spreads the batch's average code
 * distribution over all entries (α = 0.1). The Gumbel temperature is annealed from 2 to 0.5.
 * Scaled down for 1 s clips at 8 kHz (48 frames): V = 32, K = 20, 64-dim quantized and final
 * vectors; the paper's feature penalty and ×0.1 feature-encoder gradient are omitted.
 *
 * Metrics: `contrastive_loss`, `diversity_loss`, `code_perplexity` (perplexity of the hard codes
 * over the batch, in [G, G·V]: watch it to catch collapse), `probability_perplexity`, `accuracy`
 * (the positive ranked first among K + 1; chance 1/(K + 1)), `gumbel_temperature`,
 * `masked_fraction`. The encoder's `doEncode` is what transfers (time mean of `c_t` by default).
 *
 * @param options encoder, masking, negatives, quantizer sizes, weights, schedule; all optional.
 * @returns the objective; train it with `pretrain()`, probe `objective.encoder` with `finetune()`.
 * @example
 * const objective = createWav2vec2();
 * await pretrain(objective, syntheticAudioSource({ batchSize: 16 }), { steps: 1500, learningRate: 5e-3, warmupSteps: 120, clipNorm: 5 });
 * const probe = await finetune(objective.encoder, labeled, { mode: 'linear-probe' });
 */
export function createWav2vec2(options: Wav2vec2Options = {}): Wav2vec2Objective {
  const {
    maskProbability = 0.065,
    maskLength = 10,
    negatives = 20,
    negativesFrom = 'masked',
    codebooks = 2,
    codebookSize = 32,
    quantizedSize = 64,
    finalSize = 64,
    contrastiveTemperature = 0.1,
    diversityWeight = 0.1,
    gumbelTemperature: schedule = {},
    seed = 0,
  } = options;
  const integer = (value: number, name: string, minimum: number) => {
    if (!(Number.isInteger(value) && value >= minimum)) {
      throw new Error(`createWav2vec2: ${name} must be an integer ≥ ${minimum}, got ${value}.`);
    }
  };
  integer(maskLength, 'maskLength', 1);
  integer(negatives, 'negatives', 1);
  integer(codebooks, 'codebooks', 1);
  integer(codebookSize, 'codebookSize', 2);
  integer(finalSize, 'finalSize', 1);
  integer(seed, 'seed', 0);
  if (!(Number.isInteger(quantizedSize) && quantizedSize % codebooks === 0 && quantizedSize > 0)) {
    throw new Error(
      `createWav2vec2: quantizedSize must be a positive multiple of codebooks (${codebooks}), got ${quantizedSize}.`,
    );
  }
  if (!(maskProbability > 0 && maskProbability <= 1)) {
    throw new Error(`createWav2vec2: maskProbability must be in (0, 1], got ${maskProbability}.`);
  }
  if (!(contrastiveTemperature > 0) || !(diversityWeight >= 0)) {
    throw new Error(
      `createWav2vec2: contrastiveTemperature must be > 0 and diversityWeight ≥ 0, got ${contrastiveTemperature} and ${diversityWeight}.`,
    );
  }
  gumbelTemperatureAt(0, schedule);
  const encoder = options.encoder ?? createWav2vec2Encoder();
  if (encoder.type !== 'wav2vec2' || typeof encoder.encodeForPretraining !== 'function') {
    throw new Error(
      `wav2vec 2.0 needs the encoder of createWav2vec2Encoder(), got a '${(encoder as { type?: string }).type}' encoder.`,
    );
  }
  registerWav2vec2Layers();
  const quantizerLayer = new GumbelVectorQuantizer({
    inputShape: [encoder.featureChannels],
    groups: codebooks,
    codes: codebookSize,
    codewordSize: quantizedSize / codebooks,
    seed: deriveSeed(seed, 1),
    name: 'gumbel_vector_quantizer',
  });
  const quantizer = tf.sequential({ name: 'quantizer', layers: [quantizerLayer] });
  const dense = (inputSize: number, name: string, index: number) =>
    tf.sequential({
      name,
      layers: [
        tf.layers.dense({
          inputShape: [inputSize],
          units: finalSize,
          kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, index) }),
          name: `${name}_dense`,
        }),
      ],
    });
  const contextProjection = dense(encoder.modelSize, 'context_projection', 2);
  const targetProjection = dense(quantizedSize, 'target_projection', 3);
  const maskEmbeddingLayer = tf.layers.embedding({
    inputDim: 1,
    outputDim: encoder.modelSize,
    inputLength: 1,
    embeddingsInitializer: tf.initializers.randomUniform({
      minval: 0,
      maxval: 1,
      seed: deriveSeed(seed, 4),
    }),
    name: 'mask_embedding_vector',
  });
  const maskEmbedding = tf.sequential({ name: 'mask_embedding', layers: [maskEmbeddingLayer] });
  tf.tidy(() => {
    maskEmbedding.apply(tf.zeros([1, 1], 'int32'));
  });
  const entries = codebooks * codebookSize;
  const settings = {
    method: 'wav2vec2',
    maskProbability,
    maskLength,
    negatives,
    negativesFrom,
    codebooks,
    codebookSize,
    quantizedSize,
    finalSize,
    contrastiveTemperature,
    diversityWeight,
    gumbelTemperature: {
      start: schedule.start ?? 2,
      end: schedule.end ?? 0.5,
      annealingSteps: schedule.annealingSteps ?? 2000,
    },
    seed,
  };
  return {
    specificationVersion: 'v1',
    method: 'wav2vec2',
    encoder,
    heads: {
      quantizer,
      context_projection: contextProjection,
      target_projection: targetProjection,
      mask_embedding: maskEmbedding,
    },
    getConfig: () => structuredClone(settings),
    gumbelTemperature: (step) => gumbelTemperatureAt(step, schedule),
    doLoss(batch: Wav2vec2Batch, context: StepContextV1): LossResultV1 {
      const audio = batch instanceof tf.Tensor ? batch : batch.audio;
      if (audio.rank !== 3) {
        throw new Error(
          `wav2vec 2.0 takes clips [B, T, 1] (or { audio }), got shape ${JSON.stringify(audio.shape)}.`,
        );
      }
      const clips = audio.shape[0];
      const frames = encoder.outputLength(audio.shape[1]);
      if (frames < 2) {
        throw new Error(
          `wav2vec 2.0 needs at least 2 frames per clip to contrast, got ${frames} from ${audio.shape[1]} samples: use longer clips.`,
        );
      }
      const temperature = gumbelTemperatureAt(context.step, schedule);
      const spans = maskSpans(clips, frames, deriveSeed(context.seed, 1), {
        startProbability: maskProbability,
        spanLength: maskLength,
      });
      const maskValues = spans.mask.dataSync();
      const sampled = sampleNegatives({
        mask: maskValues,
        batchSize: clips,
        length: frames,
        count: negatives,
        from: negativesFrom,
        seed: deriveSeed(context.seed, 2),
      });
      try {
        const maskVector = tf.reshape((maskEmbeddingLayer.weights[0] as tf.LayerVariable).read(), [
          encoder.modelSize,
        ]);
        const { features, context: contexts } = encoder.encodeForPretraining(audio, {
          training: context.training,
          mask: spans.mask,
          maskEmbedding: maskVector,
        });
        const rows = clips * frames;
        const quantized = quantizerLayer.quantize(
          tf.reshape(features, [rows, encoder.featureChannels]) as tf.Tensor2D,
          {
            temperature,
            ...(context.training ? { seed: deriveSeed(context.seed, 3) } : {}),
          },
        );
        const targets = targetProjection.apply(quantized.quantized, {
          training: context.training,
        }) as tf.Tensor2D;
        const predictions = contextProjection.apply(
          tf.reshape(contexts, [rows, encoder.modelSize]),
          { training: context.training },
        ) as tf.Tensor2D;
        const contrastive = wav2vec2ContrastiveLoss({
          predictions,
          targets,
          codes: quantized.codes,
          positions: sampled.positions,
          negatives: sampled.negatives,
          temperature: contrastiveTemperature,
        });
        const diversity = tf.div(
          tf.sub(entries, quantized.probabilityPerplexity),
          entries,
        ) as tf.Scalar;
        const loss = tf.add(contrastive.loss, tf.mul(diversity, diversityWeight)) as tf.Scalar;
        return {
          loss,
          metrics: {
            contrastive_loss: contrastive.loss,
            diversity_loss: diversity,
            code_perplexity: quantized.codePerplexity,
            probability_perplexity: quantized.probabilityPerplexity,
            accuracy: contrastive.accuracy,
            gumbel_temperature: tf.scalar(temperature),
            masked_fraction: tf.scalar(sampled.anchorCount / rows),
          },
        };
      } finally {
        tf.dispose([spans.mask, spans.starts, spans.maskedCounts]);
      }
    },
    dispose() {
      quantizer.dispose();
      contextProjection.dispose();
      targetProjection.dispose();
      maskEmbedding.dispose();
      encoder.dispose();
    },
  };
}
