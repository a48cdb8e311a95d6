import * as tf from '@tensorflow/tfjs';
import type { GptObjective } from './gpt';
import { nextTokenCrossEntropy } from './next-token-loss';

/** Options of {@link perplexity}. */
export type PerplexityOptions = {
  /** Tokens of context per window. @default the model's blockSize */
  readonly blockSize?: number;
  /** Windows per forward pass. @default 16 */
  readonly batchSize?: number;
};

/** What {@link perplexity} returns. */
export type PerplexityResult = {
  /** Mean next-token cross-entropy in nats per token. */
  readonly loss: number;
  /** `exp(loss)`. */
  readonly perplexity: number;
  /** Number of tokens predicted (every token but the first). */
  readonly tokens: number;
};

/**
 * The perplexity of a GPT on a token stream (e.g. a validation split): every token after the first
 * is predicted exactly once.
 *
 * The stream is cut into consecutive windows of `blockSize` predictions (inputs `ids[s, s + T)`,
 * targets `ids[s + 1, s + T + 1)`, `s = 0, T, 2T, …`; the last window may be shorter), so a token's
 * context is the part of its window before it (0 to T − 1 tokens): the standard non-overlapping
 * evaluation (a sliding window would give every token a full context and a slightly lower loss).
 * The loss is the sum of the cross-entropies divided by the number of tokens, accumulated in
 * float64; inference mode (no dropout). Leaves no tensor behind.
 *
 * @param model a GPT from `createGpt`
 * @param tokenIds the token stream, at least 2 ids
 * @param options `blockSize` and `batchSize`
 * @returns loss (nats/token), perplexity and token count
 * @example
 * const { loss, perplexity: ppl } = await perplexity(gpt, validationIds, { blockSize: 64, batchSize: 32 });
 */
export async function perplexity(
  model: Pick<GptObjective, 'encoder' | 'logits'>,
  tokenIds: readonly number[] | Int32Array | Uint16Array,
  options: PerplexityOptions = {},
): Promise<PerplexityResult> {
  const blockSize = options.blockSize ?? model.encoder.maxLength;
  const batchSize = options.batchSize ?? 16;
  if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > model.encoder.maxLength) {
    throw new RangeError(
      `perplexity: blockSize must be an integer in [1, ${model.encoder.maxLength}] (the model's context), got ${blockSize}.`,
    );
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`perplexity: batchSize must be a positive integer, got ${batchSize}.`);
  }
  if (tokenIds.length < 2) {
    throw new RangeError(
      `perplexity needs at least 2 token ids (one to predict from, one to predict), got ${tokenIds.length}.`,
    );
  }
  const ids = Int32Array.from(tokenIds);
  const predicted = ids.length - 1;
  const fullWindows = Math.floor(predicted / blockSize);
  let total = 0;

  const score = async (starts: number[], length: number): Promise<void> => {
    const inputs = new Int32Array(starts.length * length);
    const targets = new Int32Array(starts.length * length);
    starts.forEach((start, row) => {
      inputs.set(ids.subarray(start, start + length), row * length);
      targets.set(ids.subarray(start + 1, start + length + 1), row * length);
    });
    const sum = tf.tidy(() => {
      const logits = model.logits(tf.tensor2d(inputs, [starts.length, length], 'int32'), {
        training: false,
      });
      const flat = tf.reshape(logits, [-1, model.encoder.vocabularySize]) as tf.Tensor2D;
      return nextTokenCrossEntropy(flat, tf.tensor1d(targets, 'int32')).sum;
    });
    try {
      total += ((await sum.data()) as Float32Array)[0] as number;
    } finally {
      sum.dispose();
    }
  };

  for (let first = 0; first < fullWindows; first += batchSize) {
    const starts: number[] = [];
    for (let window = first; window < Math.min(first + batchSize, fullWindows); window++)
      starts.push(window * blockSize);
    await score(starts, blockSize);
  }
  const remainder = predicted - fullWindows * blockSize;
  if (remainder > 0) await score([fullWindows * blockSize], remainder);
  const loss = total / predicted;
  return { loss, perplexity: Math.exp(loss), tokens: predicted };
}
