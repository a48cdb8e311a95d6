import { deriveSeed } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { muLawCompanded, muLawLevels } from './mu-law';
import { WavenetEncoder } from './wavenet-encoder';
import {
  resolveWavenetSettings,
  type WavenetOptions,
  type WavenetSettings,
  wavenetReceptiveField,
} from './wavenet-settings';
import { wavenetTrunk } from './wavenet-stack';

/** A WaveNet: the trunk (encoder), the 256-way output head and, when conditional, the class embedding. */
export type Wavenet = {
  /** The resolved architecture. */
  readonly settings: WavenetSettings;
  /** The dilation of each layer. */
  readonly dilations: readonly number[];
  /** Samples the prediction of one sample depends on ({@link wavenetReceptiveField}). */
  readonly receptiveField: number;
  /** The trunk, the part that transfers. */
  readonly encoder: WavenetEncoder;
  /** `ReLU → 1×1 (S) → ReLU → 1×1 (256)` on the skip sum (section 2.4), `[N, S]` → logits `[N, 256]`. */
  readonly outputHead: tf.LayersModel;
  /** One-hot class `[B, K]` → every layer's `V_f h`, `V_g h` `[B, layers · 2C]`; absent when unconditional. */
  readonly conditioningHead?: tf.LayersModel;
  /**
   * Local conditioning features `[N, F]` → every layer's `V_f y`, `V_g y` `[N, layers · 2C]` (a
   * 1×1 convolution, no bias; section 2.5); absent when `settings.controls` is 0.
   */
  readonly controlHead?: tf.LayersModel;
  /**
   * Teacher-forced next-sample logits: `logits[:, t]` predicts `ids[:, t]` from `ids[:, < t]`
   * (the input at `t` is the companded sample `t − 1`, zero at `t = 0`).
   *
   * @param ids μ-law ids `[B, T]` int32.
   * @param labels classes `[B]` int32; required when the model is class-conditional.
   * @param controls local conditioning features per sample `[B, T, F]` (see
   *   {@link Wavenet.upsampleControls}); required when `settings.controls` > 0.
   * @param inputNoise `[B, T]` added to the companded samples where they are inputs (sample `t`
   *   feeds the logits at `t + 1`), never to the targets: training-time noise injection (see
   *   `createWavenetObjective`'s `inputNoise`).
   * @returns logits `[B, T, 256]`.
   */
  logits(
    ids: tf.Tensor2D,
    labels?: tf.Tensor1D,
    controls?: tf.Tensor3D,
    inputNoise?: tf.Tensor2D,
  ): tf.Tensor3D;
  /**
   * Frame-rate control features `[B, frames, F]` repeated over each frame's `controlHop` samples:
   * `[B, frames · controlHop, F]` (the paper's simple alternative to a learned upsampling).
   *
   * @param frames control features per frame.
   */
  upsampleControls(frames: tf.Tensor3D): tf.Tensor3D;
  /** The kernel `[F, layers · 2C]` of {@link Wavenet.controlHead} (a view; do not dispose), or `undefined`. */
  controlKernel(): tf.Tensor2D | undefined;
  /**
   * Every layer's class term `[B, 2C]` for the given classes, or `undefined` when unconditional.
   *
   * @param labels classes `[B]` int32.
   */
  conditioning(labels: tf.Tensor1D | undefined): tf.Tensor2D[] | undefined;
  /** Frees every weight. */
  dispose(): void;
};

/**
 * Builds a WaveNet (van den Oord et al. 2016, "WaveNet: A Generative Model for Raw Audio"): a
 * stack of dilated causal convolutions with gated `tanh ⊙ σ` units, residual and skip connections,
 * and a softmax over 256 μ-law levels for the next sample; optionally class-conditional (global
 * conditioning, section 2.5) and locally conditioned on a frame-rate series such as a control
 * track (`controls` features per frame of `controlHop` samples, section 2.5).
 *
 * Architecture (paper → here): 2-tap causal input convolution on the companded μ-law sample
 * (the paper feeds a one-hot; a scalar carries the same information for 256× fewer input
 * products); `layers` gated layers with dilations `2^(l mod dilationCycle)` (paper: 1…512
 * repeated), `kernelSize` 2; residual `C` / skip `S` channels (paper: unspecified; defaults 32 / 64
 * are sized for single-thread tfjs-wasm: see docs/wavenet.md for ms/step); head
 * `ReLU → 1×1 → ReLU → 1×1 → softmax` (section 2.4). Weights are seeded (Glorot uniform).
 *
 * @param options the architecture (see {@link WavenetOptions}).
 * @returns the model; train it with {@link createWavenetObjective}, sample with {@link generateWavenet}.
 * @example
 * const wavenet = createWavenet({ layers: 10, channels: 32, classes: 8, seed: 1 });
 * console.log(wavenet.receptiveField); // 1025
 */
export function createWavenet(options: WavenetOptions = {}): Wavenet {
  const settings = resolveWavenetSettings(options);
  const { skipChannels, channels, layers, classes, controls, controlHop, seed } = settings;
  const encoder = WavenetEncoder.create(settings);
  const outputHead = tf.sequential({
    name: 'wavenet_output',
    layers: [
      tf.layers.dense({
        inputShape: [skipChannels],
        units: skipChannels,
        activation: 'relu',
        kernelInitializer: tf.initializers.heNormal({ seed: deriveSeed(seed, 1, 1) }),
        name: 'wavenet_output_hidden',
      }),
      tf.layers.dense({
        units: muLawLevels,
        kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, 1, 2) }),
        name: 'wavenet_output_logits',
      }),
    ],
  });
  // Class and control inputs → every layer's `V_f h`, `V_g h` (`[N, layers · 2C]`, no bias).
  const termsHead = (name: string, layerName: string, inputs: number, stream: number) =>
    tf.sequential({
      name,
      layers: [
        tf.layers.dense({
          inputShape: [inputs],
          units: layers * 2 * channels,
          useBias: false,
          kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, stream, 1) }),
          name: layerName,
        }),
      ],
    });
  const conditioningHead =
    classes > 0
      ? termsHead('wavenet_conditioning', 'wavenet_class_embedding', classes, 2)
      : undefined;
  const controlHead =
    controls > 0
      ? termsHead('wavenet_controls', 'wavenet_control_embedding', controls, 3)
      : undefined;
  const controlKernel = (): tf.Tensor2D | undefined =>
    controlHead?.layers[0]?.weights[0]?.read() as tf.Tensor2D | undefined;
  const dilations = encoder.stack.dilations;

  const conditioning = (labels: tf.Tensor1D | undefined): tf.Tensor2D[] | undefined => {
    if (conditioningHead === undefined) return undefined;
    if (labels === undefined) {
      throw new Error(
        `This WaveNet is class-conditional (${classes} classes): pass the labels (batches { audio, labels }, or classId when generating).`,
      );
    }
    return tf.tidy(() => {
      const oneHot = tf.oneHot(labels.cast('int32'), classes).cast('float32');
      const terms = conditioningHead.apply(oneHot) as tf.Tensor2D;
      return layers === 1 ? [terms] : (tf.split(terms, layers, 1) as tf.Tensor2D[]);
    });
  };

  return {
    settings,
    dilations,
    receptiveField: wavenetReceptiveField(settings),
    encoder,
    outputHead,
    ...(conditioningHead === undefined ? {} : { conditioningHead }),
    ...(controlHead === undefined ? {} : { controlHead }),
    conditioning,
    controlKernel,
    upsampleControls(frames: tf.Tensor3D): tf.Tensor3D {
      const [batch, count, features] = frames.shape;
      return tf.tidy(
        () =>
          frames
            .reshape([batch, count, 1, features])
            .tile([1, 1, controlHop, 1])
            .reshape([batch, count * controlHop, features]) as tf.Tensor3D,
      );
    },
    logits(
      ids: tf.Tensor2D,
      labels?: tf.Tensor1D,
      controlFeatures?: tf.Tensor3D,
      inputNoise?: tf.Tensor2D,
    ): tf.Tensor3D {
      if (ids.rank !== 2) {
        throw new Error(
          `WaveNet logits expect μ-law ids [B, T], got ${JSON.stringify(ids.shape)}.`,
        );
      }
      const [batch, length] = ids.shape;
      if (
        inputNoise !== undefined &&
        JSON.stringify(inputNoise.shape) !== JSON.stringify(ids.shape)
      ) {
        throw new Error(
          `WaveNet logits: inputNoise must match the ids' shape ${JSON.stringify(ids.shape)}, got ${JSON.stringify(inputNoise.shape)}.`,
        );
      }
      if (controls > 0) {
        const expected = JSON.stringify([batch, length, controls]);
        if (controlFeatures === undefined) {
          throw new Error(
            `This WaveNet is locally conditioned (${controls} control features): pass controls ${expected} (batches { audio, labels, controls }, or controls when generating).`,
          );
        }
        if (JSON.stringify(controlFeatures.shape) !== expected) {
          throw new Error(
            `WaveNet logits: controls must be ${expected} (one row of ${controls} features per sample), got ${JSON.stringify(controlFeatures.shape)}.`,
          );
        }
      } else if (controlFeatures !== undefined) {
        throw new Error(
          'WaveNet logits: this WaveNet has no local conditioning (controls: 0); leave controls out, or build it with createWavenet({ controls }).',
        );
      }
      return tf.tidy(() => {
        const companded = muLawCompanded(ids) as tf.Tensor2D;
        const values = inputNoise === undefined ? companded : tf.add(companded, inputNoise);
        const shifted = tf
          .pad(values, [
            [0, 0],
            [1, 0],
          ])
          .slice([0, 0], [batch, length])
          .reshape([batch, length, 1]) as tf.Tensor3D;
        const skips = wavenetTrunk(
          encoder.stack.getStackWeights(),
          dilations,
          shifted,
          conditioning(labels),
          controlFeatures === undefined
            ? undefined
            : {
                features: controlFeatures.reshape([batch * length, controls]) as tf.Tensor2D,
                kernel: controlKernel()!,
              },
        );
        const hidden = tf.relu(skips).reshape([batch * length, skipChannels]);
        const logits = outputHead.apply(hidden) as tf.Tensor2D;
        return logits.reshape([batch, length, muLawLevels]) as tf.Tensor3D;
      });
    },
    dispose() {
      encoder.dispose();
      outputHead.dispose();
      conditioningHead?.dispose();
      controlHead?.dispose();
    },
  };
}
