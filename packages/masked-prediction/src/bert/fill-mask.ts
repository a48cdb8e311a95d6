import type { TokenizerV1 } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { type BertMaskedLanguageModel, maskedTokenLogits } from './masked-token-logits';

/** One candidate for a [MASK]: the token, its id and its probability under the model. */
export type FillMaskCandidate = {
  /** The token string (WordPiece continuation pieces keep their `##`). */
  readonly token: string;
  /** The token id. */
  readonly id: number;
  /** Its softmax probability at that position. */
  readonly probability: number;
};

/** Options of {@link fillMask}. */
export type FillMaskOptions = {
  /** Candidates per [MASK], most probable first. @default 5 */
  readonly topK?: number;
};

/**
 * Fills each [MASK] of a text with a BERT masked language model: the `topK` most probable tokens
 * per [MASK], with their probabilities (the fill-mask task of Devlin et al. 2019 and Hugging Face's
 * `fill-mask` pipeline).
 *
 * The text is tokenized with `tokenizer` (which must keep `[MASK]` as its mask token, as the
 * WordPiece tokenizers of `@selfsup/data` do), wrapped as `[CLS] … [SEP]` like the pretraining
 * sequences, and encoded once without dropout; all [MASK]s are predicted jointly from the same
 * pass (each sees the others as [MASK]).
 *
 * @param model a BERT objective from `createBert` or a model from `loadBert`
 * @param tokenizer the tokenizer the model was pretrained with
 * @param text text with one or more `[MASK]`
 * @param options `topK` (default 5)
 * @returns one candidate list per [MASK], in text order
 * @example
 * const [candidates] = fillMask(bert, tokenizer, 'the [MASK] of the union is strong.');
 * candidates![0]!.token; // e.g. 'state'
 */
export function fillMask(
  model: BertMaskedLanguageModel,
  tokenizer: TokenizerV1,
  text: string,
  options: FillMaskOptions = {},
): FillMaskCandidate[][] {
  const { topK = 5 } = options;
  const { mask, classification, separator } = tokenizer.specialTokens;
  const vocabularySize = model.encoder.vocabularySize;
  if (!(Number.isInteger(topK) && topK >= 1 && topK <= vocabularySize)) {
    throw new RangeError(
      `fillMask: topK must be an integer in [1, ${vocabularySize}], got ${topK}.`,
    );
  }
  if (mask === undefined) {
    throw new Error(
      'fillMask: the tokenizer has no [MASK] token; use the tokenizer the model was pretrained with.',
    );
  }
  if (tokenizer.vocabularySize !== vocabularySize) {
    throw new Error(
      `fillMask: the tokenizer has ${tokenizer.vocabularySize} ids but the model ${vocabularySize}; use the tokenizer the model was pretrained with.`,
    );
  }
  const ids = [
    ...(classification === undefined ? [] : [classification]),
    ...tokenizer.encode(text),
    ...(separator === undefined ? [] : [separator]),
  ];
  const positions = Int32Array.from(ids.flatMap((id, position) => (id === mask ? [position] : [])));
  if (positions.length === 0) {
    throw new Error(
      `fillMask: the text has no [MASK] token to fill: ${JSON.stringify(text.slice(0, 80))}.`,
    );
  }
  if (ids.length > model.encoder.maxLength) {
    throw new RangeError(
      `fillMask: the text is ${ids.length} tokens with [CLS] and [SEP], over the model's maxLength ${model.encoder.maxLength}; shorten it.`,
    );
  }
  const { values, indices } = tf.tidy(() => {
    const input = tf.tensor2d(ids, [1, ids.length], 'int32');
    const probabilities = tf.softmax(maskedTokenLogits(model, input, positions, false));
    const best = tf.topk(probabilities, topK);
    return { values: best.values, indices: best.indices };
  });
  const probabilityRows = values.arraySync() as number[][];
  const idRows = indices.arraySync() as number[][];
  tf.dispose([values, indices]);
  return idRows.map((row, index) =>
    row.map((id, rank) => ({
      token: tokenizer.idToToken(id) ?? `[${id}]`,
      id,
      probability: probabilityRows[index]![rank]!,
    })),
  );
}
