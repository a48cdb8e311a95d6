import type { CollectiveGroup, LossResultV1, ObjectiveV1, StepContextV1 } from '@selfsup/core';
import { deriveSeed } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { type CpcEncoder, createCpcEncoder } from './cpc-encoder';
import { cpcInfoNce } from './cpc-info-nce';

/** Options of {@link createCpc}. */
export type CpcOptions = {
  /**
   * The encoder to train: `g_enc` then `g_ar` (see {@link createCpcEncoder}); the objective owns it.
   * @default createCpcEncoder() (64-channel ReLU conv stack, 64-unit FusedLstm, context representation)
   */
  readonly encoder?: CpcEncoder;
  /**
   * K: the number of future steps predicted from each context, one linear `W_k` per offset.
   * @default 6 (120 ms ahead at 8 kHz with the 160× conv stack: the horizon of the paper's K = 12 at 10 ms steps, on the 1 s synthetic clips)
   */
  readonly predictionSteps?: number;
  /** Seed of the predictors' initialisation. @default 0 */
  readonly seed?: number;
  /**
   * A data-parallel worker's group (the `group` a `pretrain({ workers })` workload receives): the
   * InfoNCE candidates are gathered from every worker, so N workers train the whole batch's
   * objective (the encoder has no batch statistics: each clip is standardised on its own).
   */
  readonly group?: CollectiveGroup;
};

/** A batch of clips `[B, T, 1]`, alone or with labels that CPC ignores (`syntheticAudioSource`'s batches). */
export type CpcBatch = tf.Tensor3D | { readonly audio: tf.Tensor3D };

/** The CPC objective: an {@link ObjectiveV1} whose encoder is a {@link CpcEncoder}. */
export type CpcObjective = ObjectiveV1<CpcBatch> & {
  readonly encoder: CpcEncoder;
  /** K, the number of predicted offsets. */
  readonly predictionSteps: number;
};

/**
 * Contrastive Predictive Coding (van den Oord, Li & Vinyals 2018, "Representation Learning with
 * Contrastive Predictive Coding"): a strided conv encoder maps raw audio to latents `z_t`, a causal
 * autoregressive network summarises them into contexts `c_t`, and a linear map `W_k` per offset
 * k = 1..K predicts `z_{t+k}` from `c_t`; InfoNCE ({@link cpcInfoNce}) makes each prediction pick
 * its true future latent among every latent of the batch (other positions of the same clip and
 * all positions of the other clips).
 *
 * Defaults: the encoder of {@link createCpcEncoder} (paper's conv stack at 64 channels, FusedLstm
 * context of 64 units instead of the paper's GRU for speed on wasm), K = 6 (the paper uses K = 12
 * at 10 ms steps; 6 × 20 ms spans the same 120 ms at 8 kHz), `W_k` without bias (the paper's
 * log-bilinear score `zᵀ W_k c_t`), loss = mean over k of each offset's InfoNCE. Metrics:
 * `accuracy_k1` … `accuracy_kK` (the true `z_{t+k}` scored highest among the `B·T'` candidates;
 * chance `1/(B·T')`) and their mean `accuracy`. The representation that transfers is
 * `objective.encoder.doEncode`: the time mean of `c_t` (the paper probes `c_t`), or of `z_t`
 * with `createCpcEncoder({ representation: 'latent' })`.
 *
 * @param options encoder, K, seed; all optional.
 * @returns the objective; train it with `pretrain()`, probe `objective.encoder` with `finetune()`.
 * @example
 * const objective = createCpc({ predictionSteps: 6 });
 * await pretrain(objective, syntheticAudioSource({ batchSize: 16 }), { steps: 1000, learningRate: 2e-3 });
 * const probe = await finetune(objective.encoder, labeled, { mode: 'linear-probe' });
 */
export function createCpc(options: CpcOptions = {}): CpcObjective {
  const { predictionSteps = 6, seed = 0, group } = options;
  if (!(Number.isInteger(predictionSteps) && predictionSteps >= 1)) {
    throw new RangeError(`predictionSteps must be a positive integer, got ${predictionSteps}.`);
  }
  const encoder = options.encoder ?? createCpcEncoder();
  if (encoder.type !== 'cpc' || typeof encoder.encodeLatentsAndContext !== 'function') {
    throw new Error(
      `CPC needs the encoder of createCpcEncoder() (latents and contexts), got a '${(encoder as { type?: string }).type}' encoder; wrap an audio encoder with createCpcEncoder({ latent: encoder }).`,
    );
  }
  const latentSize = encoder.latentSize;
  const predictors = tf.sequential({
    name: 'cpc_predictors',
    layers: [
      tf.layers.dense({
        inputShape: [encoder.contextUnits],
        units: predictionSteps * latentSize,
        useBias: false,
        kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, 1) }),
        name: 'predictions',
      }),
    ],
  });
  return {
    specificationVersion: 'v1',
    method: 'cpc',
    encoder,
    predictionSteps,
    heads: { predictors },
    getConfig: () => ({ method: 'cpc', predictionSteps, seed }),
    doLoss(batch: CpcBatch, context: StepContextV1): LossResultV1 {
      const audio = batch instanceof tf.Tensor ? batch : batch.audio;
      const { latents, context: contexts } = encoder.encodeLatentsAndContext(audio, {
        training: context.training,
      });
      const [clips, steps] = latents.shape;
      if (steps <= predictionSteps) {
        throw new Error(
          `CPC predicts ${predictionSteps} steps ahead but the clips give only ${steps} latent steps: use longer clips (at least ${predictionSteps + 1} latent steps) or set predictionSteps below ${steps}.`,
        );
      }
      // Dense layers on 2-D rows: the gradient of a broadcasting 3-D × 2-D matMul throws.
      const rows = tf.reshape(contexts, [clips * steps, encoder.contextUnits]);
      const predicted = predictors.apply(rows, { training: context.training }) as tf.Tensor2D;
      const predictions = tf.reshape(predicted, [
        clips,
        steps,
        predictionSteps,
        latentSize,
      ]) as tf.Tensor4D;
      const { loss, accuracy, accuracyPerStep } = cpcInfoNce(latents, predictions, group);
      const metrics: Record<string, tf.Scalar> = { accuracy };
      accuracyPerStep.forEach((value, index) => {
        metrics[`accuracy_k${index + 1}`] = value;
      });
      return { loss, metrics };
    },
    dispose() {
      predictors.dispose();
      encoder.dispose();
    },
  };
}
