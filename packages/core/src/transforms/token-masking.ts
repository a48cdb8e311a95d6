import * as tf from '@tensorflow/tfjs';
import { SeededRandom } from '../random/seeded-random';
import type { TokenizerV1 } from '../spec/tokenizer-v1';
import { assertInteger, assertProbability, assertSeed } from './transform-validation';

/** Options of {@link maskTokens}. */
export type TokenMaskingOptions = {
  /** Every id is in `[0, vocabularySize)`. */
  readonly vocabularySize: number;
  /** The id of the [MASK] token. Always protected. */
  readonly maskId: number;
  /**
   * Ids that are never selected nor drawn as random replacements: padding, [CLS], [SEP], [UNK]…
   * ({@link tokenMaskingOptionsFromTokenizer} fills them from a tokenizer).
   * @default []
   */
  readonly protectedIds?: readonly number[];
  /** Fraction of the maskable positions of each sequence that are selected. @default 0.15 (BERT) */
  readonly selectProbability?: number;
  /** Of the selected positions, the fraction replaced by [MASK]. @default 0.8 (BERT) */
  readonly maskTokenProbability?: number;
  /** Of the selected positions, the fraction replaced by a random token. @default 0.1 (BERT) */
  readonly randomTokenProbability?: number;
  /** At most this many selected positions per sequence (BERT's `max_predictions_per_seq`). @default no limit */
  readonly maxPredictions?: number;
};

/** What {@link maskTokens} returns; dispose all three. */
export type TokenMaskingResult = {
  /** The corrupted ids to feed the encoder, `[B, T]` int32. */
  readonly inputs: tf.Tensor2D;
  /** The original ids (the targets), `[B, T]` int32. */
  readonly labels: tf.Tensor2D;
  /** 1 at the selected positions (where the loss counts), 0 elsewhere, `[B, T]` float32. */
  readonly weights: tf.Tensor2D;
};

/**
 * Token-masking options from a tokenizer: its vocabulary size, its [MASK] id, and all its special
 * tokens (padding, unknown, classification, separator, mask, end of text) protected.
 *
 * @param tokenizer a {@link TokenizerV1} with a mask token
 * @param overrides any other {@link TokenMaskingOptions}
 * @returns options for {@link maskTokens}
 * @example const options = tokenMaskingOptionsFromTokenizer(tokenizer, { selectProbability: 0.2 });
 */
export function tokenMaskingOptionsFromTokenizer(
  tokenizer: TokenizerV1,
  overrides: Partial<Omit<TokenMaskingOptions, 'vocabularySize' | 'maskId'>> = {},
): TokenMaskingOptions {
  const special = tokenizer.specialTokens;
  if (special.mask === undefined) {
    throw new Error(
      'tokenMaskingOptionsFromTokenizer: the tokenizer has no mask token (specialTokens.mask). ' +
        'Masked language modelling needs one: add a [MASK] token to the vocabulary.',
    );
  }
  const specialIds = Object.values(special).filter((id): id is number => id !== undefined);
  return {
    vocabularySize: tokenizer.vocabularySize,
    maskId: special.mask,
    ...overrides,
    protectedIds: [...new Set([...specialIds, ...(overrides.protectedIds ?? [])])],
  };
}

/**
 * BERT's masked-language-model corruption (Devlin et al. 2019, "BERT: Pre-training of Deep
 * Bidirectional Transformers for Language Understanding"), for a whole batch with tensor ops.
 *
 * Selection: in each sequence, exactly `max(1, round(selectProbability · n))` of its `n`
 * maskable positions (ids that are not protected and not [MASK]) are chosen uniformly at random
 * (capped by `maxPredictions`), as BERT's `create_pretraining_data.py` does. So every sequence
 * that has at least one maskable token gets at least one selected position (a loss term), and a
 * sequence with none (all padding or special tokens) gets none.
 *
 * Replacement of each selected position, independently: with `maskTokenProbability` (0.8) by
 * [MASK]; with `randomTokenProbability` (0.1) by an id drawn uniformly from `[0, vocabularySize)`
 * minus the protected ids (so no [PAD], [CLS], [SEP] or [MASK] is ever introduced); otherwise
 * (0.1) left unchanged. Not differentiable (integer ids).
 *
 * @param ids `[B, T]` int32 token ids
 * @param seed same seed, same masking (on a given backend)
 * @param options {@link TokenMaskingOptions}
 * @returns `{ inputs, labels, weights }`
 * @example
 * const { inputs, labels, weights } = maskTokens(ids, deriveSeed(runSeed, step), { vocabularySize: 30522, maskId: 103, protectedIds: [0, 101, 102] });
 */
export function maskTokens(
  ids: tf.Tensor2D,
  seed: number,
  options: TokenMaskingOptions,
): TokenMaskingResult {
  if (ids.rank !== 2 || ids.dtype !== 'int32') {
    throw new Error(
      `maskTokens: ids must be a [batch, length] int32 tensor, got ${ids.dtype} of shape ${JSON.stringify(ids.shape)}. ` +
        `Build it with tf.tensor2d(ids, [batch, length], 'int32').`,
    );
  }
  assertSeed(seed, 'maskTokens');
  const { vocabularySize, maskId } = options;
  const selectProbability = options.selectProbability ?? 0.15;
  const maskTokenProbability = options.maskTokenProbability ?? 0.8;
  const randomTokenProbability = options.randomTokenProbability ?? 0.1;
  assertInteger(vocabularySize, 'maskTokens vocabularySize', 1);
  if (!(Number.isInteger(maskId) && maskId >= 0 && maskId < vocabularySize)) {
    throw new RangeError(
      `maskTokens maskId must be an id in [0, ${vocabularySize}), got ${maskId}.`,
    );
  }
  assertProbability(selectProbability, 'maskTokens selectProbability');
  assertProbability(maskTokenProbability, 'maskTokens maskTokenProbability');
  assertProbability(randomTokenProbability, 'maskTokens randomTokenProbability');
  if (maskTokenProbability + randomTokenProbability > 1 + 1e-9) {
    throw new RangeError(
      `maskTokens: maskTokenProbability + randomTokenProbability must be ≤ 1 (the rest stays unchanged), ` +
        `got ${maskTokenProbability} + ${randomTokenProbability}.`,
    );
  }
  if (options.maxPredictions !== undefined)
    assertInteger(options.maxPredictions, 'maskTokens maxPredictions', 1);
  const protectedIds = [...new Set([maskId, ...(options.protectedIds ?? [])])].sort(
    (a, b) => a - b,
  );
  const protectedInVocabulary = protectedIds.filter((id) => id >= 0 && id < vocabularySize);
  const replacementCount = vocabularySize - protectedInVocabulary.length;
  if (randomTokenProbability > 0 && replacementCount < 1) {
    throw new Error(
      'maskTokens: every id is protected, so no random replacement token exists. Set randomTokenProbability to 0.',
    );
  }
  const [batchSize, length] = ids.shape;
  const random = new SeededRandom(seed);
  const shape: [number, number] = [batchSize, length];
  return tf.tidy(() => {
    let maskable = tf.onesLike(ids).cast('bool');
    for (const id of protectedIds)
      maskable = tf.logicalAnd(maskable, tf.notEqual(ids, tf.scalar(id, 'int32')));
    // Exactly k_b positions per row: the k_b largest random scores among the maskable positions.
    const scores = tf.where(
      maskable,
      tf.randomUniform(shape, 0, 1, 'float32', random.nextSeed()),
      tf.fill(shape, -1),
    );
    const maskableCount = tf.sum(maskable.cast('float32'), 1);
    let selectCount = tf.maximum(
      tf.round(tf.mul(maskableCount, selectProbability)),
      tf.minimum(maskableCount, 1),
    );
    if (options.maxPredictions !== undefined)
      selectCount = tf.minimum(selectCount, options.maxPredictions);
    const sortedScores = tf.topk(scores, length, true).values;
    const lastIndex = tf.sub(selectCount, 1).cast('int32');
    // A one-hot of lastIndex by comparison: tf.oneHot refuses depth 1 (sequences of one token).
    const atLastIndex = tf.equal(
      tf.range(0, length, 1, 'int32').reshape([1, length]),
      lastIndex.reshape([batchSize, 1]),
    );
    const threshold = tf.sum(tf.mul(sortedScores, atLastIndex.cast('float32')), 1, true);
    const selected = tf.logicalAnd(
      tf.logicalAnd(maskable, tf.greaterEqual(scores, threshold)),
      tf.greater(selectCount, 0).reshape([batchSize, 1]),
    );
    // 80 / 10 / 10.
    const action = tf.randomUniform(shape, 0, 1, 'float32', random.nextSeed());
    const toMask = tf.logicalAnd(selected, tf.less(action, maskTokenProbability));
    const toRandom = tf.logicalAnd(
      selected,
      tf.logicalAnd(
        tf.greaterEqual(action, maskTokenProbability),
        tf.less(action, maskTokenProbability + randomTokenProbability),
      ),
    );
    // Uniform over the allowed ids: draw in [0, count) and step over each protected id in order.
    // Integer scalars stay int32: a plain number would upcast the ids to float32.
    const integer = (value: number): tf.Scalar => tf.scalar(value, 'int32');
    let randomIds = tf.minimum(
      tf
        .floor(
          tf.randomUniform(shape, 0, Math.max(replacementCount, 1), 'float32', random.nextSeed()),
        )
        .cast('int32'),
      integer(Math.max(replacementCount - 1, 0)),
    );
    for (const id of protectedInVocabulary) {
      randomIds = tf.add(randomIds, tf.greaterEqual(randomIds, integer(id)).cast('int32'));
    }
    const inputs = tf.where(
      toMask,
      tf.fill(shape, maskId, 'int32'),
      tf.where(toRandom, randomIds, ids),
    ) as tf.Tensor2D;
    return { inputs, labels: ids.clone(), weights: selected.cast('float32') as tf.Tensor2D };
  });
}
