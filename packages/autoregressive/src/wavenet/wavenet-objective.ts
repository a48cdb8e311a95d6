import {
  deriveSeed,
  type LossResultV1,
  type ObjectiveV1,
  SeededRandom,
  type StepContextV1,
} from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { muLawEncode, muLawLevels } from './mu-law';
import { sparseSoftmaxCrossEntropy } from './sparse-softmax-cross-entropy';
import { createWavenet, type Wavenet } from './wavenet';
import type { WavenetOptions } from './wavenet-settings';

/**
 * A batch of waveforms `[B, T, 1]` in [-1, 1], alone or with class labels `[B]` (e.g.
 * `@selfsup/data`'s `AudioBatch`) and, for a locally conditioned WaveNet, frame-rate `controls`
 * `[B, frames, F]` with `frames · controlHop ≥ T` (e.g. `controlFeatures` of each clip's control track).
 */
export type WavenetBatch =
  | tf.Tensor3D
  | {
      readonly audio: tf.Tensor3D;
      readonly labels?: tf.Tensor1D;
      readonly controls?: tf.Tensor3D;
    };

/** Options of {@link createWavenetObjective}. */
export type WavenetObjectiveOptions = {
  /** The WaveNet to train (the objective owns it), or the options to build one. @default createWavenet() */
  readonly wavenet?: Wavenet | WavenetOptions;
  /**
   * Train on one random window of this many samples per clip (drawn from the step seed; the
   * same offset for every clip of the batch), or on whole clips when absent. Shorter windows
   * make faster steps; keep them several receptive fields long.
   * @default whole clips
   */
  readonly cropLength?: number;
  /**
   * Standard deviation of Gaussian noise added to the input samples (the companded μ-law values,
   * −1…1; one level is 2/255 ≈ 0.008), never to the targets, drawn from the step seed: noise
   * injection as in FFTNet (Jin et al. 2018), so that the model learns to predict the clean next
   * sample from a perturbed past and generation does not amplify the errors its own sampling feeds
   * back. 0 turns it off. Data-parallel workers draw from the same step seed, so every shard's
   * rows get the same noise where one worker would draw fresh rows for the later clips: as random,
   * not bit-identical to one worker.
   * @default 0
   */
  readonly inputNoise?: number;
};

/** The {@link deriveSeed} tag of the input-noise draws (the step seed itself draws the crop). */
const inputNoiseStream = 1;

/** A WaveNet objective: {@link ObjectiveV1} plus the model, for {@link generateWavenet}. */
export type WavenetObjective = ObjectiveV1<WavenetBatch> & {
  /** The model being trained (encoder and heads). */
  readonly wavenet: Wavenet;
};

function isWavenet(value: Wavenet | WavenetOptions): value is Wavenet {
  return typeof (value as Wavenet).logits === 'function';
}

/**
 * The WaveNet pretext task (van den Oord et al. 2016): maximise the likelihood of each μ-law
 * quantized sample given the ones before it, a 256-way cross-entropy on the next sample,
 * class-conditional when the model has `classes` (the batch then carries `labels`), locally
 * conditioned when it has `controls` (the batch then carries frame-rate `controls`, cropped with
 * the audio). With `inputNoise`, the inputs (not the targets) carry Gaussian noise while training
 * (FFTNet's noise injection, Jin et al. 2018).
 *
 * Metrics: `accuracy` (the most likely level is the true one) and `bitsPerSample` (the loss in
 * bits). The encoder (the trunk) is what transfers; the heads are `output` and, when
 * conditional, `conditioning` (classes) and `controls` (local conditioning).
 *
 * @param options the model (or its options) and the training window (see {@link WavenetObjectiveOptions}).
 * @returns the objective, with its `wavenet`.
 * @example
 * const objective = createWavenetObjective({ wavenet: { classes: 8 }, cropLength: 4096 });
 * await pretrain(objective, syntheticAudioSource({ batchSize: 4 }), { steps: 2000, learningRate: 2e-3 });
 */
export function createWavenetObjective(options: WavenetObjectiveOptions = {}): WavenetObjective {
  const given = options.wavenet ?? {};
  const wavenet = isWavenet(given) ? given : createWavenet(given);
  const { cropLength, inputNoise = 0 } = options;
  if (!(inputNoise >= 0 && Number.isFinite(inputNoise))) {
    throw new RangeError(
      `createWavenetObjective: inputNoise must be a finite standard deviation ≥ 0 (companded units; 0 turns it off, ~0.01–0.03 is mild), got ${inputNoise}.`,
    );
  }
  if (cropLength !== undefined && !(Number.isInteger(cropLength) && cropLength >= 2)) {
    throw new RangeError(
      `createWavenetObjective: cropLength must be an integer ≥ 2 (samples), got ${cropLength}.`,
    );
  }
  const heads: Record<string, tf.LayersModel> = { output: wavenet.outputHead };
  if (wavenet.conditioningHead !== undefined) heads.conditioning = wavenet.conditioningHead;
  if (wavenet.controlHead !== undefined) heads.controls = wavenet.controlHead;
  return {
    specificationVersion: 'v1',
    method: 'wavenet',
    encoder: wavenet.encoder,
    heads,
    wavenet,
    getConfig: () => ({
      method: 'wavenet',
      ...wavenet.settings,
      cropLength: cropLength ?? null,
      inputNoise,
    }),
    doLoss(batch: WavenetBatch, context: StepContextV1): LossResultV1 {
      const audio = batch instanceof tf.Tensor ? batch : batch.audio;
      const labels = batch instanceof tf.Tensor ? undefined : batch.labels;
      const controls = batch instanceof tf.Tensor ? undefined : batch.controls;
      if (!(audio instanceof tf.Tensor) || audio.rank !== 3 || audio.shape[2] !== 1) {
        throw new Error(
          `WaveNet batches are waveforms [B, T, 1] (or { audio, labels }), got ${audio instanceof tf.Tensor ? JSON.stringify(audio.shape) : typeof audio}.`,
        );
      }
      const [batchSize, clipLength] = audio.shape;
      const length = Math.min(cropLength ?? clipLength, clipLength);
      const offset =
        length < clipLength ? new SeededRandom(context.seed).nextInt(clipLength - length + 1) : 0;
      const window =
        length < clipLength ? audio.slice([0, offset, 0], [batchSize, length, 1]) : audio;
      const ids = muLawEncode(window).reshape([batchSize, length]) as tf.Tensor2D;
      const { controls: features, controlHop } = wavenet.settings;
      if (features > 0 && controls !== undefined && controls.shape[1] * controlHop < clipLength) {
        throw new Error(
          `WaveNet controls cover ${controls.shape[1]} frames × ${controlHop} samples, fewer than the clip's ${clipLength}; give one frame per ${controlHop} samples (ceil(T / controlHop) frames).`,
        );
      }
      const sampleControls =
        controls === undefined
          ? undefined
          : (wavenet
              .upsampleControls(controls)
              .slice([0, offset, 0], [batchSize, length, features]) as tf.Tensor3D);
      // The noise has its own stream of the step seed (the crop offset draws from the step seed).
      const noise =
        inputNoise > 0 && context.training
          ? (tf.randomNormal(
              [batchSize, length],
              0,
              inputNoise,
              'float32',
              deriveSeed(context.seed, inputNoiseStream),
            ) as tf.Tensor2D)
          : undefined;
      const logits = wavenet
        .logits(ids, labels, sampleControls, noise)
        .reshape([batchSize * length, muLawLevels]) as tf.Tensor2D;
      const targets = ids.reshape([batchSize * length]);
      const loss = sparseSoftmaxCrossEntropy(logits, targets as tf.Tensor1D);
      const accuracy = tf.mean(
        tf.equal(tf.argMax(logits, 1), targets).cast('float32'),
      ) as tf.Scalar;
      const bitsPerSample = tf.div(loss, Math.LN2) as tf.Scalar;
      return { loss, metrics: { accuracy, bitsPerSample } };
    },
    dispose() {
      wavenet.dispose();
    },
  };
}
