import type { LossResultV1, ObjectiveV1, StepContextV1 } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import type { ElmoBiLm } from './elmo-bi-lm';

/** A batch of token windows `[B, T]` int32, alone or as `{ inputs }` (a token-window batch; `targets` are ignored). */
export type ElmoBatch = tf.Tensor2D | { readonly inputs: tf.Tensor2D };

/** What {@link ElmoObjective.languageModelLogits} returns. */
export type ElmoLanguageModelLogits = {
  /** `[B, T, V]`: position t's forward logits, a distribution over token t + 1. */
  readonly forward: tf.Tensor3D;
  /** `[B, T, V]`: position t's backward logits, a distribution over token t − 1. */
  readonly backward: tf.Tensor3D;
};

/** The ELMo objective: {@link ObjectiveV1} plus the biLM's per-position logits. */
export type ElmoObjective = ObjectiveV1<ElmoBatch> & {
  /** The biLM being trained (also the objective's `encoder`). */
  readonly elmo: ElmoBiLm;
  /**
   * Both directions' logits at every position, for inspection and causality checks.
   *
   * @param tokens `[B, T]` int32.
   * @returns logits the caller disposes.
   */
  languageModelLogits(tokens: tf.Tensor2D): ElmoLanguageModelLogits;
};

/** Options of {@link createElmoObjective}. */
export type ElmoObjectiveOptions = {
  /** The biLM to train, from {@link createElmo}. */
  readonly elmo: ElmoBiLm;
};

/**
 * Mean cross-entropy of `logits` `[N, V]` against `targets` `[N]` over the rows where `weights`
 * `[N]` is 1, and the accuracy of the argmax on those rows.
 */
function maskedCrossEntropy(
  logits: tf.Tensor2D,
  targets: tf.Tensor1D,
  weights: tf.Tensor1D | null,
  vocabularySize: number,
): { loss: tf.Scalar; accuracy: tf.Scalar } {
  // tf.oneHot(..., 'float32') is broken on wasm: cast instead.
  const oneHot = tf.oneHot(targets, vocabularySize).cast('float32');
  const negativeLogLikelihood = tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1));
  const correct = tf.cast(tf.equal(tf.argMax(logits, 1), targets), 'float32');
  if (weights === null) {
    return {
      loss: tf.mean(negativeLogLikelihood) as tf.Scalar,
      accuracy: tf.mean(correct) as tf.Scalar,
    };
  }
  const count = tf.maximum(tf.sum(weights), 1);
  return {
    loss: tf.div(tf.sum(tf.mul(negativeLogLikelihood, weights)), count) as tf.Scalar,
    accuracy: tf.div(tf.sum(tf.mul(correct, weights)), count) as tf.Scalar,
  };
}

/**
 * The biLM objective of ELMo (Peters et al. 2018, "Deep contextualized word representations",
 * eq. in §3.1): jointly maximise the forward log-likelihood `Σ_t log p(t_k | t_1..t_{k−1})` and
 * the backward one `Σ_t log p(t_k | t_{k+1}..t_N)`, with the token embedding and the softmax
 * shared by the two directions and separate LSTMs.
 *
 * The loss is the sum of the two mean next-token / previous-token cross-entropies over a window
 * `[B, T]` (T − 1 predictions per row and direction); with `paddingId` set, predictions of and from
 * padding are left out. Metrics: `forwardLoss`, `backwardLoss`, `forwardAccuracy`,
 * `backwardAccuracy` (argmax hits) and `perplexity` (exp of the mean of the two losses).
 * The encoder that transfers is the biLM itself (ELMo's scalar mix of its layers); `heads` holds
 * the untied softmax when there is one.
 *
 * @param options `elmo`, the biLM from {@link createElmo}.
 * @returns the objective (method `'elmo'`).
 * @example
 * const objective = createElmoObjective({ elmo: createElmo({ vocabularySize: 2000 }) });
 * await pretrain(objective, tokenWindowSource(ids, { blockSize: 64, batchSize: 32 }), { steps: 2000 });
 */
export function createElmoObjective(options: ElmoObjectiveOptions): ElmoObjective {
  const { elmo } = options;
  if (elmo === undefined || elmo.type !== 'elmo' || typeof elmo.encodeLayers !== 'function') {
    throw new Error('createElmoObjective: pass { elmo } built by createElmo().');
  }
  const { vocabularySize, paddingId, size } = elmo.settings;

  const topStates = (tokens: tf.Tensor2D, training: boolean) => {
    const { forward, backward } = elmo.encodeLayers(tokens, { training });
    return { forward: forward.at(-1)!, backward: backward.at(-1)! };
  };

  const checkTokens = (tokens: tf.Tensor2D): void => {
    if (tokens.rank !== 2 || tokens.dtype !== 'int32' || tokens.shape[1] < 2) {
      throw new Error(
        `ELMo needs int32 token windows [B, T] with T ≥ 2, got ${tokens.dtype} of shape ${JSON.stringify(tokens.shape)}.`,
      );
    }
  };

  return {
    specificationVersion: 'v1',
    method: 'elmo',
    elmo,
    encoder: elmo,
    heads: elmo.softmaxModel === null ? {} : { softmax: elmo.softmaxModel },
    getConfig: () => ({ method: 'elmo', ...elmo.getConfig() }),
    doLoss(batch: ElmoBatch, context: StepContextV1): LossResultV1 {
      const tokens = batch instanceof tf.Tensor ? batch : batch.inputs;
      checkTokens(tokens);
      const [batchSize, length] = tokens.shape;
      const predictions = batchSize * (length - 1);
      const { forward, backward } = topStates(tokens, context.training);
      const rows = (states: tf.Tensor3D, start: number) =>
        tf.reshape(tf.slice(states, [0, start, 0], [batchSize, length - 1, size]), [
          predictions,
          size,
        ]) as tf.Tensor2D;
      const ids = (start: number) =>
        tf.reshape(tf.slice(tokens, [0, start], [batchSize, length - 1]), [
          predictions,
        ]) as tf.Tensor1D;
      // Forward: state t predicts token t + 1. Backward: state t predicts token t − 1.
      const forwardTargets = ids(1);
      const backwardTargets = ids(0);
      const real = (targets: tf.Tensor1D, from: tf.Tensor1D) =>
        paddingId === null
          ? null
          : (tf.mul(
              tf.cast(tf.notEqual(targets, paddingId), 'float32'),
              tf.cast(tf.notEqual(from, paddingId), 'float32'),
            ) as tf.Tensor1D);
      const forwardResult = maskedCrossEntropy(
        elmo.softmaxLogits(rows(forward, 0)),
        forwardTargets,
        real(forwardTargets, ids(0)),
        vocabularySize,
      );
      const backwardResult = maskedCrossEntropy(
        elmo.softmaxLogits(rows(backward, 1)),
        backwardTargets,
        real(backwardTargets, ids(1)),
        vocabularySize,
      );
      return {
        loss: tf.add(forwardResult.loss, backwardResult.loss) as tf.Scalar,
        metrics: {
          forwardLoss: forwardResult.loss,
          backwardLoss: backwardResult.loss,
          forwardAccuracy: forwardResult.accuracy,
          backwardAccuracy: backwardResult.accuracy,
          perplexity: tf.exp(
            tf.mul(tf.add(forwardResult.loss, backwardResult.loss), 0.5),
          ) as tf.Scalar,
        },
      };
    },
    languageModelLogits(tokens: tf.Tensor2D): ElmoLanguageModelLogits {
      checkTokens(tokens);
      return tf.tidy(() => {
        const [batchSize, length] = tokens.shape;
        const { forward, backward } = topStates(tokens, false);
        const logits = (states: tf.Tensor3D) =>
          tf.reshape(
            elmo.softmaxLogits(tf.reshape(states, [batchSize * length, size]) as tf.Tensor2D),
            [batchSize, length, vocabularySize],
          ) as tf.Tensor3D;
        return { forward: logits(forward), backward: logits(backward) };
      });
    },
    dispose() {
      elmo.dispose();
    },
  };
}
