import * as tf from '@tensorflow/tfjs';
import { DilatedCausalConv1D } from './dilated-causal-conv1d';
import { LayerNormalization } from './layer-normalization';
import { MultiHeadAttention } from './multi-head-attention';
import { PatchEmbedding } from './patch-embedding';
import { PositionEmbedding } from './position-embedding';
import { SeededDropout } from './seeded-dropout';
import { TokenEmbedding } from './token-embedding';
import { TransformerBlock } from './transformer-block';

/** The package under which selfsup's sequence layers are registered (`selfsup>SelfsupTokenEmbedding`). */
const SEQUENCE_LAYER_PACKAGE = 'selfsup';

/**
 * Registers selfsup's sequence layers (token/position/patch embeddings, LayerNormalization,
 * MultiHeadAttention, TransformerBlock, DilatedCausalConv1D, SeededDropout) with
 * `tf.serialization`, so `tf.loadLayersModel` can rebuild models that contain them.
 *
 * Saved models name these layers by their `className`, prefixed `Selfsup` (e.g.
 * `SelfsupLayerNormalization`) so they never replace tfjs' own classes of the same name.
 * Nothing is registered at import time; call this once before loading. Idempotent.
 *
 * @example
 * registerSequenceLayers();
 * const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
 */
export function registerSequenceLayers(): void {
  const classes = [
    TokenEmbedding,
    PositionEmbedding,
    PatchEmbedding,
    LayerNormalization,
    MultiHeadAttention,
    TransformerBlock,
    DilatedCausalConv1D,
    SeededDropout,
  ];
  for (const layerClass of classes) {
    tf.serialization.registerClass(
      layerClass as unknown as tf.serialization.SerializableConstructor<tf.layers.Layer>,
      SEQUENCE_LAYER_PACKAGE,
    );
  }
}
