import {
  addBias,
  deriveSeed,
  gatherPerExample,
  LayerNormalization,
  layerNormalize,
  PositionEmbedding,
  TransformerBlock,
} from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { MaeMaskToken } from './mae-mask-token';
import type { MaeSettings } from './mae-options';
import { sincosPositions } from './sincos-positions';

/** The geometry of the encoder the decoder reads. */
export type MaeDecoderGeometry = {
  /** Width `D` of the encoder's features. */
  readonly inputSize: number;
  /** Patch rows `H/p`. */
  readonly rows: number;
  /** Patch columns `W/p`. */
  readonly columns: number;
  /** Values per patch `p·p·C` (what the decoder predicts per patch). */
  readonly patchValues: number;
  /** Whether the encoder puts a [CLS] token first (the decoder carries it along, as MAE does). */
  readonly classToken: boolean;
};

type DecoderParts = {
  readonly embed: tf.layers.Layer;
  readonly maskToken: MaeMaskToken;
  readonly positions: PositionEmbedding;
  readonly blocks: TransformerBlock[];
  readonly norm: LayerNormalization;
  readonly prediction: tf.layers.Layer;
};

/**
 * MAE's light decoder (He et al. 2022 §3): encoder features of the visible patches → linear
 * embedding to the decoder width → the learned [MASK] token appended for every hidden patch →
 * unshuffled to patch order (`restoreIndices`) → fixed 2-D sin-cos positions → pre-LN Transformer
 * blocks → LayerNorm → a linear prediction of each patch's `p·p·C` values.
 *
 * All weights live in {@link MaeDecoder.model} (the objective's `decoder` head, saved with
 * checkpoints; its graph takes the features already in patch order and a mask). The positions
 * are a frozen `PositionEmbedding` holding the sin-cos table. {@link MaeDecoder.decode} is the
 * training path: 2-D products and core's Transformer blocks, differentiable on every backend.
 *
 * @example
 * const decoder = new MaeDecoder(geometry, settings);
 * const predictions = decoder.decode(latent, restoreIndices, { training: true }); // [B, N, p·p·C]
 */
export class MaeDecoder {
  /** The model that owns every decoder weight. */
  readonly model: tf.LayersModel;
  /** The geometry it was built for. */
  readonly geometry: MaeDecoderGeometry;
  /** Width of the decoder. */
  readonly embeddingSize: number;
  private readonly parts: DecoderParts;

  /**
   * Builds a seeded decoder.
   *
   * @param geometry the encoder's feature size, patch grid, patch values and [CLS] token
   * @param settings the MAE settings (decoder layers, width, heads, MLP size, seed)
   */
  constructor(geometry: MaeDecoderGeometry, settings: MaeSettings) {
    this.geometry = geometry;
    this.embeddingSize = settings.decoderEmbeddingSize;
    const { inputSize, rows, columns, patchValues, classToken } = geometry;
    const { decoderEmbeddingSize: width, seed } = settings;
    const length = rows * columns + (classToken ? 1 : 0);
    const features = tf.input({ shape: [length, inputSize], name: 'features' });
    const mask = tf.input({ shape: [length], name: 'mask' });
    const embed = tf.layers.dense({
      units: width,
      name: 'decoder_embed',
      kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, 1) }),
    });
    const maskToken = new MaeMaskToken({ name: 'mask_token', seed: deriveSeed(seed, 2) });
    const positions = new PositionEmbedding({
      name: 'decoder_position_embedding',
      maxLength: length,
      embeddingSize: width,
      seed: deriveSeed(seed, 3),
      trainable: false,
    });
    let x = embed.apply(features) as tf.SymbolicTensor;
    x = maskToken.apply([x, mask]) as tf.SymbolicTensor;
    x = positions.apply(x) as tf.SymbolicTensor;
    const blocks: TransformerBlock[] = [];
    for (let index = 0; index < settings.decoderLayers; index++) {
      const block = new TransformerBlock({
        name: `decoder_block_${index}`,
        heads: settings.decoderHeads,
        mlpSize: settings.decoderMlpSize,
        epsilon: 1e-6,
        seed: deriveSeed(seed, 10 + index),
      });
      blocks.push(block);
      x = block.apply(x) as tf.SymbolicTensor;
    }
    const norm = new LayerNormalization({ name: 'decoder_norm', epsilon: 1e-6 });
    x = norm.apply(x) as tf.SymbolicTensor;
    const prediction = tf.layers.dense({
      units: patchValues,
      name: 'decoder_prediction',
      kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, 4) }),
    });
    x = prediction.apply(x) as tf.SymbolicTensor;
    this.model = tf.model({ inputs: [features, mask], outputs: x, name: 'mae_decoder' });
    const table = tf.tensor2d(sincosPositions(rows, columns, width, classToken), [length, width]);
    positions.setWeights([table]);
    table.dispose();
    this.parts = { embed, maskToken, positions, blocks, norm, prediction };
  }

  /**
   * Decodes the encoder's features of the visible patches into predictions for every patch.
   *
   * @param latent `[B, (1 +) K, D]` from `VitEncoder.encodePatches` ([CLS] first when present)
   * @param restoreIndices `[B, N]` int32 from `maskPatches`: where each patch sits in the
   *   `[visible; masked]` order
   * @param options `training` turns the blocks' dropout on (none by default)
   * @returns `[B, N, p·p·C]` predictions in patch order ([CLS] dropped)
   */
  decode(
    latent: tf.Tensor,
    restoreIndices: tf.Tensor2D,
    options: { readonly training: boolean },
  ): tf.Tensor3D {
    const { rows, columns, patchValues, classToken, inputSize } = this.geometry;
    const count = rows * columns;
    const offset = classToken ? 1 : 0;
    const [batch, length, size] = latent.shape as [number, number, number];
    if (latent.rank !== 3 || size !== inputSize || length - offset < 1 || length - offset > count) {
      throw new Error(
        `MaeDecoder.decode expects encoder features [B, ${offset ? '1 + ' : ''}K, ${inputSize}] with 1 ≤ K ≤ ${count}, got ${JSON.stringify(latent.shape)}.`,
      );
    }
    if (restoreIndices.shape[0] !== batch || restoreIndices.shape[1] !== count) {
      throw new Error(
        `MaeDecoder.decode expects restoreIndices [${batch}, ${count}], got ${JSON.stringify(restoreIndices.shape)}.`,
      );
    }
    const width = this.embeddingSize;
    const { embed, maskToken, positions, blocks, norm, prediction } = this.parts;
    return tf.tidy(() => {
      let x: tf.Tensor = dense(embed, latent.reshape([batch * length, size])).reshape([
        batch,
        length,
        width,
      ]);
      const kept = length - offset;
      let tokens = x.slice([0, offset, 0], [batch, kept, width]);
      if (kept < count) {
        const fill = tf.broadcastTo(maskToken.getToken().reshape([1, 1, width]), [
          batch,
          count - kept,
          width,
        ]);
        tokens = tf.concat([tokens, fill], 1);
      }
      tokens = gatherPerExample(tokens, restoreIndices);
      if (classToken) tokens = tf.concat([x.slice([0, 0, 0], [batch, 1, width]), tokens], 1);
      x = positions.addPositions(tokens, 0);
      for (const block of blocks) x = block.forward(x, { training: options.training }).output;
      const { gamma, beta } = norm.getVariables();
      x = layerNormalize(x, gamma, beta, norm.epsilon);
      const output = dense(prediction, x.reshape([batch * (count + offset), width]));
      return output
        .reshape([batch, count + offset, patchValues])
        .slice([0, offset, 0], [batch, count, patchValues]) as tf.Tensor3D;
    });
  }

  /** Frees the decoder's weights. */
  dispose(): void {
    this.model.dispose();
  }
}

/** A tfjs Dense layer as a 2-D product (the gradient of a 3-D × 2-D product throws on tfjs). */
function dense(layer: tf.layers.Layer, x: tf.Tensor): tf.Tensor2D {
  const [kernel, bias] = layer.weights;
  if (kernel === undefined || bias === undefined) {
    throw new Error(`Dense layer '${layer.name}' is not built: apply it to an input first.`);
  }
  return addBias(tf.matMul(x as tf.Tensor2D, kernel.read() as tf.Tensor2D), bias.read());
}
