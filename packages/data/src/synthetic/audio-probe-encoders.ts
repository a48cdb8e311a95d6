import {
  createAudioConvEncoder,
  DilatedCausalConv1D,
  deriveSeed,
  FusedLstm,
  layerNormalize,
  TransformerBlock,
} from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';

/** A random-init audio encoder reduced to what a probe needs: waveforms in, pooled features out. */
export type AudioProbeEncoder = {
  /** Short name: `cpc`, `wav2vec2` or `wavenet`. */
  readonly name: string;
  /** One line: the architecture. */
  readonly description: string;
  /** Size of the pooled feature vector. */
  readonly featureSize: number;
  /** Waveforms `[B, T, 1]` → pooled features `[B, featureSize]` (inference mode; caller disposes). */
  encode(audio: tf.Tensor3D): tf.Tensor2D;
  /** Frees the weights. */
  dispose(): void;
};

/** Options shared by the probe encoders. */
export type AudioProbeEncoderOptions = {
  /** Seed of every initializer. @default 0 */
  readonly seed?: number;
};

/**
 * The encoder CPC trains (van den Oord, Li & Vinyals 2018, "Representation Learning with
 * Contrastive Predictive Coding", §3.1), as `@selfsup/contrastive`'s `createCpcEncoder` builds it
 * by default: each clip standardized (zero mean, unit variance over time), core's audio conv
 * encoder with the paper's five strided ReLU convs (kernels 10, 8, 4, 4, 4; strides 5, 4, 2, 2, 2:
 * 160× downsampling, 20 ms steps at 8 kHz) at 64 channels (the paper: 512) without normalization,
 * then a 64-unit LSTM context network (core's `FusedLstm`, orthogonal recurrent kernel; the paper:
 * a 256-unit GRU). The pooled output is the time mean of `c_t` (`'context'`, what the paper
 * probes) or of `z_t` (`'latent'`).
 *
 * @param options `seed` (default 0) and `representation` (default `'context'`).
 * @returns the random-init encoder.
 * @example const encoder = cpcProbeEncoder({ seed: 1 }); const features = encoder.encode(audio);
 */
export function cpcProbeEncoder(
  options: AudioProbeEncoderOptions & { readonly representation?: 'context' | 'latent' } = {},
): AudioProbeEncoder {
  const seed = options.seed ?? 0;
  const representation = options.representation ?? 'context';
  const latent = createAudioConvEncoder({
    seed: deriveSeed(seed, 0),
    activation: 'relu',
    normalization: 'none',
  });
  const units = 64;
  const context = new FusedLstm({ units, seed: deriveSeed(seed, 1), name: 'context' });
  tf.tidy(() => {
    context.apply(tf.zeros([1, 2, latent.outputSize]));
    const [kernel, , bias] = context.getWeights();
    const recurrent = tf.concat(
      Array.from(
        { length: 4 },
        (_, gate) =>
          tf.linalg.qr(
            tf.randomNormal([units, units], 0, 1, 'float32', deriveSeed(seed, 2, gate)),
          )[0],
      ),
      1,
    );
    context.setWeights([kernel!, recurrent, bias!]);
  });
  return {
    name: representation === 'context' ? 'cpc (mean c_t)' : 'cpc (mean z_t)',
    description: `CPC encoder: standardized clip, ReLU conv1d kernels ${latent.settings.kernelSizes.join(',')}, strides ${latent.settings.strides.join(',')}, ${latent.settings.channels} channels, ${units}-unit LSTM context; mean of ${representation === 'context' ? 'c_t' : 'z_t'}`,
    featureSize: representation === 'context' ? units : latent.outputSize,
    encode: (audio) =>
      tf.tidy(() => {
        const { mean, variance } = tf.moments(audio, 1, true);
        const standardized = audio.sub(mean).div(variance.add(1e-5).sqrt()) as tf.Tensor3D;
        const frames = latent.doEncodeSequence(standardized, { training: false });
        const pooled =
          representation === 'context' ? (context.apply(frames) as tf.Tensor3D) : frames;
        return pooled.mean(1) as tf.Tensor2D;
      }),
    dispose: () => {
      latent.model.dispose();
      context.dispose();
    },
  };
}

/**
 * The wav2vec 2.0 encoder (Baevski, Zhou, Mohamed & Auli 2020, "wav2vec 2.0: A Framework for
 * Self-Supervised Learning of Speech Representations"), scaled down: core's audio conv feature
 * encoder at its defaults (the CPC conv stack with wav2vec 2.0's per-layer layer norm and GELU,
 * 64 channels), a layer norm, then `blocks` bidirectional pre-LN
 * Transformer blocks (core's `TransformerBlock`, 4 heads, MLP 4×, GPT-2 initialization 0.02);
 * the context vectors `c_t` mean-pooled over time. The paper's BASE has 12 blocks of 768 dims and
 * a convolutional relative position embedding, omitted here (the pooled mean does not need order).
 *
 * @param options `seed` (default 0) and `blocks` (default 2).
 * @returns the random-init encoder.
 * @example const encoder = wav2vec2ProbeEncoder({ seed: 1 });
 */
export function wav2vec2ProbeEncoder(
  options: AudioProbeEncoderOptions & { readonly blocks?: number } = {},
): AudioProbeEncoder {
  const seed = options.seed ?? 0;
  const blockCount = options.blocks ?? 2;
  const features = createAudioConvEncoder({ seed });
  const size = features.outputSize;
  const gamma = tf.ones([size]);
  const beta = tf.zeros([size]);
  const blocks = Array.from(
    { length: blockCount },
    (_, index) =>
      new TransformerBlock({ heads: 4, seed: deriveSeed(seed, 10, index), name: `block_${index}` }),
  );
  // Build the blocks' weights now (layers build on first use).
  tf.tidy(() => {
    for (const block of blocks) block.apply(tf.zeros([1, 2, size]), { training: false });
  });
  return {
    name: 'wav2vec2',
    description: `wav2vec 2.0 encoder: core's conv feature encoder (layer norm + GELU), layer norm, ${blockCount} Transformer blocks (${size} dims, 4 heads), mean of c_t`,
    featureSize: size,
    encode: (audio) =>
      tf.tidy(() => {
        const frames = features.doEncodeSequence(audio, { training: false });
        let context = layerNormalize(frames, gamma, beta) as tf.Tensor3D;
        for (const block of blocks)
          context = block.apply(context, { training: false }) as tf.Tensor3D;
        return context.mean(1) as tf.Tensor2D;
      }),
    dispose: () => {
      features.model.dispose();
      for (const block of blocks) block.dispose();
      tf.dispose([gamma, beta]);
    },
  };
}

/**
 * The WaveNet encoder (van den Oord et al. 2016, "WaveNet: A Generative Model for Raw Audio"),
 * scaled down: a causal 1×1 input conv to `channels`, one stack of residual blocks with dilations
 * 1, 2, 4, …, 2^(layers−1) (kernel 2, core's `DilatedCausalConv1D`), each a gated activation
 * `tanh(W_f ∗ x) ⊙ σ(W_g ∗ x)` with a 1×1 residual and a 1×1 skip output; the summed skips go
 * through ReLU and are mean-pooled over time. The paper stacks 10-layer blocks (dilations
 * 1…512) of 32 residual / 256–512 skip channels; here 10 layers, 16 residual and 32 skip channels
 * (receptive field 1,024 samples: 128 ms at 8 kHz): a sample-rate network is costly on tfjs-wasm.
 *
 * @param options `seed` (default 0), `layers` (default 10), `channels` (default 16), `skipChannels` (default 32).
 * @returns the random-init encoder.
 * @example const encoder = waveNetProbeEncoder({ seed: 1 });
 */
export function waveNetProbeEncoder(
  options: AudioProbeEncoderOptions & {
    readonly layers?: number;
    readonly channels?: number;
    readonly skipChannels?: number;
  } = {},
): AudioProbeEncoder {
  const seed = options.seed ?? 0;
  const layers = options.layers ?? 10;
  const channels = options.channels ?? 16;
  const skipChannels = options.skipChannels ?? 32;
  const conv = (filters: number, kernelSize: number, dilationRate: number, index: number) =>
    new DilatedCausalConv1D({
      filters,
      kernelSize,
      dilationRate,
      seed: deriveSeed(seed, index),
    });
  const input = conv(channels, 1, 1, 0);
  const blocks = Array.from({ length: layers }, (_, layer) => ({
    filter: conv(channels, 2, 2 ** layer, 10 * layer + 1),
    gate: conv(channels, 2, 2 ** layer, 10 * layer + 2),
    residual: conv(channels, 1, 1, 10 * layer + 3),
    skip: conv(skipChannels, 1, 1, 10 * layer + 4),
  }));
  const encode = (audio: tf.Tensor3D): tf.Tensor2D =>
    tf.tidy(() => {
      let x = input.apply(audio) as tf.Tensor3D;
      let skips: tf.Tensor | undefined;
      for (const block of blocks) {
        const gated = tf.mul(
          tf.tanh(block.filter.apply(x) as tf.Tensor),
          tf.sigmoid(block.gate.apply(x) as tf.Tensor),
        );
        x = tf.add(x, block.residual.apply(gated) as tf.Tensor) as tf.Tensor3D;
        const skip = block.skip.apply(gated) as tf.Tensor;
        skips = skips === undefined ? skip : tf.add(skips, skip);
      }
      return tf.relu(skips!).mean(1) as tf.Tensor2D;
    });
  // Build every layer's weights now (layers build on first use).
  tf.tidy(() => {
    encode(tf.zeros([1, 4, 1]));
  });
  return {
    name: 'wavenet',
    description: `WaveNet encoder: ${layers} gated residual blocks, dilations 1…${2 ** (layers - 1)}, kernel 2, ${channels} residual / ${skipChannels} skip channels, ReLU(Σ skips) mean-pooled`,
    featureSize: skipChannels,
    encode,
    dispose: () => {
      input.dispose();
      for (const block of blocks) for (const layer of Object.values(block)) layer.dispose();
    },
  };
}
