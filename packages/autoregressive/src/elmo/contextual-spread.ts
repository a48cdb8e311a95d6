import type { EncoderV1 } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';

/** Per-token features of a batch of token ids `[B, T]` → `[B, T, D]`. */
export type TokenFeatureFunction = (tokens: tf.Tensor2D) => tf.Tensor3D;

/** Options of {@link contextualSpread}. */
export type ContextualSpreadOptions = {
  /** An encoder with per-position features, or a function giving them (e.g. one biLM layer). */
  readonly encoder: EncoderV1 | TokenFeatureFunction;
  /** Token sequences (each one context), as rows of ids; rows may differ in length. */
  readonly sequences: readonly (readonly number[])[];
  /** The token (word) whose occurrences are compared. */
  readonly tokenId: number;
  /** Use at most this many occurrences (the first ones found). @default 200 */
  readonly maximumOccurrences?: number;
};

/** What {@link contextualSpread} measures. */
export type ContextualSpread = {
  /** The token compared. */
  readonly tokenId: number;
  /** Occurrences used. */
  readonly occurrences: number;
  /** Distinct sequences they come from. */
  readonly contexts: number;
  /** Mean cosine similarity over all pairs of occurrences (Ethayarajh 2019's self-similarity). */
  readonly meanCosine: number;
  /** Standard deviation of the pairwise cosines. */
  readonly standardDeviation: number;
  /** The least similar pair's cosine. */
  readonly minimumCosine: number;
  /** `1 − meanCosine`: 0 for a static embedding, larger when context changes the vector more. */
  readonly spread: number;
};

/**
 * Measures how much a word's vector changes with its context: the cosine similarities between the
 * vectors the encoder gives to every occurrence of `tokenId` across `sequences` (Ethayarajh 2019,
 * "How Contextual are Contextualized Word Representations?", self-similarity).
 *
 * A static embedding scores `meanCosine` 1 (spread 0); ELMo's vectors of the same word differ by
 * context (Peters et al. 2018, §5.3). Each sequence is encoded alone (no padding), in inference mode.
 *
 * @param options the encoder (or feature function), the sequences, the token and a cap.
 * @returns the pairwise-cosine statistics.
 * @throws an Error when the token occurs fewer than twice.
 * @example
 * const { meanCosine } = contextualSpread({ encoder: elmo, sequences, tokenId: tokenizer.tokenToId('bank')! });
 */
export function contextualSpread(options: ContextualSpreadOptions): ContextualSpread {
  const { encoder, sequences, tokenId, maximumOccurrences = 200 } = options;
  if (!(Number.isInteger(maximumOccurrences) && maximumOccurrences >= 2)) {
    throw new RangeError(
      `contextualSpread: maximumOccurrences must be an integer ≥ 2, got ${maximumOccurrences}.`,
    );
  }
  const features: TokenFeatureFunction =
    typeof encoder === 'function'
      ? encoder
      : (tokens) => {
          if (encoder.doEncodeSequence === undefined) {
            throw new Error(
              `contextualSpread: the '${encoder.type}' encoder has no per-position features (doEncodeSequence).`,
            );
          }
          return encoder.doEncodeSequence(tokens, { training: false });
        };
  const vectors: Float32Array[] = [];
  let contexts = 0;
  for (const sequence of sequences) {
    if (vectors.length >= maximumOccurrences) break;
    const positions: number[] = [];
    sequence.forEach((id, position) => {
      if (id === tokenId) positions.push(position);
    });
    if (positions.length === 0) continue;
    contexts++;
    const rows = tf.tidy(() => {
      const tokens = tf.tensor2d([Array.from(sequence)], [1, sequence.length], 'int32');
      const output = features(tokens);
      const [, , size] = output.shape;
      return tf.gather(tf.reshape(output, [sequence.length, size]), positions);
    });
    const [count, size] = rows.shape as [number, number];
    const values = rows.dataSync() as Float32Array;
    for (let row = 0; row < count && vectors.length < maximumOccurrences; row++) {
      vectors.push(values.slice(row * size, (row + 1) * size));
    }
    rows.dispose();
  }
  if (vectors.length < 2) {
    throw new Error(
      `contextualSpread: token ${tokenId} occurs ${vectors.length} time(s) in the sequences; pass sequences with at least 2 occurrences.`,
    );
  }
  const norms = vectors.map((vector) => Math.hypot(...vector) || 1);
  const cosines: number[] = [];
  for (let first = 0; first < vectors.length; first++) {
    for (let second = first + 1; second < vectors.length; second++) {
      const a = vectors[first]!;
      const b = vectors[second]!;
      let dot = 0;
      for (let index = 0; index < a.length; index++) dot += a[index]! * b[index]!;
      cosines.push(dot / (norms[first]! * norms[second]!));
    }
  }
  const meanCosine = cosines.reduce((sum, value) => sum + value, 0) / cosines.length;
  const variance =
    cosines.reduce((sum, value) => sum + (value - meanCosine) ** 2, 0) / cosines.length;
  return {
    tokenId,
    occurrences: vectors.length,
    contexts,
    meanCosine,
    standardDeviation: Math.sqrt(variance),
    minimumCosine: Math.min(...cosines),
    spread: 1 - meanCosine,
  };
}
