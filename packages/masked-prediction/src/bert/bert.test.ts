import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTransformerEncoder,
  initBackend,
  pretrain,
  SeededRandom,
  type TokenizerV1,
} from '@selfsup/core';
import { computeOnBackends, expectNoTensorLeak, expectTensorsClose } from '@selfsup/core/test';
import { loadSotu, trainWordPieceTokenizer } from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BertObjective, createBert } from './bert';
import { createBertEncoder } from './bert-encoder';
import { bertSequenceSource, encodeBertInputs } from './bert-inputs';
import { evaluateFillMask, unigramTopKAccuracy } from './evaluate-fill-mask';
import { fillMask } from './fill-mask';
import { loadBert } from './load-bert';
import { maskedLanguageModelLoss } from './masked-language-model-loss';

let tokenizer: TokenizerV1;
let streamIds: Int32Array;

/** A tiny BERT (2 blocks of 32 dimensions, sequences of 32) on `tokenizer`. */
function tinyBert(seed = 1, pooling: 'cls' | 'mean' = 'mean'): BertObjective {
  return createBert({
    encoder: createBertEncoder({
      vocabularySize: tokenizer.vocabularySize,
      paddingId: tokenizer.specialTokens.padding!,
      pooling,
      maxLength: 32,
      embeddingSize: 32,
      layers: 2,
      heads: 2,
      dropout: 0,
      seed,
    }),
    specialTokens: tokenizer.specialTokens,
    seed,
  });
}

/** `count` sequences `[CLS] w w … w [SEP]`, one word `w` repeated per sequence, drawn from `words`. */
function repeatedWordSequences(words: readonly number[], count: number, seed: number): tf.Tensor2D {
  const random = new SeededRandom(seed);
  const length = 16;
  const ids = new Int32Array(count * length);
  for (let row = 0; row < count; row++) {
    const word = words[random.nextInt(words.length)]!;
    ids.fill(word, row * length, (row + 1) * length);
    ids[row * length] = tokenizer.specialTokens.classification!;
    ids[(row + 1) * length - 1] = tokenizer.specialTokens.separator!;
  }
  return tf.tensor2d(ids, [count, length], 'int32');
}

describe('createBert (masked language model)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    const texts = loadSotu()
      .addresses.slice(200, 206)
      .map((address) => address.text);
    tokenizer = trainWordPieceTokenizer(texts, { vocabularySize: 400 });
    const separator = tokenizer.specialTokens.separator!;
    streamIds = Int32Array.from(texts.flatMap((text) => [...tokenizer.encode(text), separator]));
  });

  it('learns to fill a [MASK] from its context, far above the unigram baseline, and fillMask finds the word', async () => {
    // The 8 most frequent whole words of the corpus.
    const counts = new Map<number, number>();
    for (const id of streamIds) counts.set(id, (counts.get(id) ?? 0) + 1);
    const words = [...counts.entries()]
      .filter(([id]) => /^[a-z]{3,}$/.test(tokenizer.idToToken(id) ?? ''))
      .sort((left, right) => right[1] - left[1])
      .slice(0, 8)
      .map(([id]) => id);
    expect(words.length).toBeGreaterThanOrEqual(6);
    const batches = Array.from({ length: 60 }, (_, index) =>
      repeatedWordSequences(words, 16, index),
    );
    const bert = tinyBert(2);
    await pretrain(bert, batches, { steps: 60, learningRate: 3e-3, warmupSteps: 5, seed: 4 });
    tf.dispose(batches);
    const heldOut = repeatedWordSequences(words, 64, 1000);
    const evaluation = evaluateFillMask(bert, heldOut, { masking: bert.maskingOptions, topK: 5 });
    const baseline = unigramTopKAccuracy(heldOut.dataSync(), evaluation.targets, {
      topK: 5,
      excludeIds: Object.values(tokenizer.specialTokens),
    });
    heldOut.dispose();
    // Each sequence repeats one word: the context gives it away; word frequencies cannot.
    expect(evaluation.count).toBeGreaterThanOrEqual(64);
    expect(evaluation.accuracy).toBeGreaterThan(0.9);
    expect(evaluation.topKAccuracy).toBeGreaterThan(baseline + 0.2);
    const word = tokenizer.idToToken(words[0]!)!;
    const filled = fillMask(bert, tokenizer, `${word} ${word} [MASK] ${word} ${word} [MASK]`, {
      topK: 3,
    });
    expect(filled).toHaveLength(2);
    for (const candidates of filled) {
      expect(candidates).toHaveLength(3);
      expect(candidates[0]!.token).toBe(word);
      expect(candidates[0]!.id).toBe(words[0]);
      expect(candidates[0]!.probability).toBeGreaterThanOrEqual(candidates[1]!.probability);
      expect(candidates.reduce((sum, candidate) => sum + candidate.probability, 0)).toBeLessThan(
        1 + 1e-5,
      );
    }
    bert.dispose();
  });

  it('ties the decoder to the token embeddings: logits = transform(h) · Eᵀ + b, and E gets their gradient', () => {
    const bert = tinyBert(3);
    const embeddings = bert.encoder.getTokenEmbeddings();
    tf.tidy(() => {
      const features = tf.randomNormal([5, 32], 0, 1, 'float32', 7) as tf.Tensor2D;
      const logits = bert.head.logits(features, embeddings);
      expect(logits.shape).toEqual([5, tokenizer.vocabularySize]);
      const manual = tf.matMul(bert.head.transform(features), embeddings, false, true);
      expectTensorsClose(logits, manual, { label: 'tied logits (zero output bias)' });
      const headOutput = bert.heads.maskedLanguageModel!.predict(features) as tf.Tensor;
      expectTensorsClose(headOutput, bert.head.transform(features), { label: 'head model output' });
      const gradient = tf.grad((table: tf.Tensor) =>
        tf.sum(bert.head.logits(features, table as tf.Tensor2D)),
      )(embeddings);
      expect(tf.norm(gradient).dataSync()[0]).toBeGreaterThan(0);
    });
    bert.dispose();
  });

  it('computes the same MLM loss gradients on wasm as on tfjs-cpu', async () => {
    const bert = tinyBert(8);
    const features = tf.randomNormal([6, 32], 0, 1, 'float32', 9) as tf.Tensor2D;
    const targets = tf.tensor1d([7, 8, 9, 10, 11, 12], 'int32');
    const { reference, actual } = await computeOnBackends(() => {
      const lossOf = (input: tf.Tensor, table: tf.Tensor) =>
        maskedLanguageModelLoss(
          bert.head.logits(input as tf.Tensor2D, table as tf.Tensor2D),
          targets,
        ).loss;
      const [featureGradient, tableGradient] = tf.grads(lossOf)([
        features,
        bert.encoder.getTokenEmbeddings(),
      ]);
      return [
        lossOf(features, bert.encoder.getTokenEmbeddings()),
        featureGradient!,
        tableGradient!,
      ];
    });
    reference.forEach((expected, index) => {
      expectTensorsClose(actual[index]!, expected, { label: `output ${index}` });
    });
    tf.dispose([features, targets]);
    bert.dispose();
  });

  it('leaks no tensor in its loss, training gradient, fillMask and evaluateFillMask', async () => {
    const bert = tinyBert(4);
    const batch = encodeBertInputs(
      tokenizer,
      ['the union is strong', 'we the people of the states'],
      {
        maxLength: 16,
      },
    );
    const variables = bert.encoder.model.trainableWeights.map(
      (weight) => weight.read() as tf.Variable,
    );
    await expectNoTensorLeak(() => {
      const { loss, metrics } = bert.doLoss(batch, { step: 0, seed: 5, training: true });
      expect(loss.rank).toBe(0);
      expect(Number.isFinite(loss.dataSync()[0]!)).toBe(true);
      tf.dispose([loss, ...Object.values(metrics ?? {})]);
      const { value, grads } = tf.variableGrads(
        () => bert.doLoss(batch, { step: 1, seed: 6, training: true }).loss,
        variables,
      );
      tf.dispose([value, ...Object.values(grads)]);
    });
    await expectNoTensorLeak(() => {
      fillMask(bert, tokenizer, 'the [MASK] of the union');
      evaluateFillMask(bert, batch, { masking: bert.maskingOptions });
    });
    batch.dispose();
    bert.dispose();
  });

  it('gives [CLS] or mean sequence features for finetuning', () => {
    const cls = tinyBert(5, 'cls');
    const average = tinyBert(5, 'mean');
    tf.tidy(() => {
      const inputs = encodeBertInputs(tokenizer, ['the union', 'the people of the states'], {
        maxLength: 12,
      });
      const sequence = cls.encoder.doEncodeSequence(inputs, { training: false });
      const pooledCls = cls.encoder.doEncode(inputs, { training: false });
      expect(pooledCls.shape).toEqual([2, 32]);
      expectTensorsClose(pooledCls, sequence.slice([0, 0, 0], [2, 1, 32]).reshape([2, 32]), {
        label: '[CLS] pooling',
      });
      const pooledMean = average.encoder.doEncode(inputs, { training: false });
      const kept = tf.notEqual(inputs, tokenizer.specialTokens.padding!).cast('float32');
      const manualMean = tf
        .sum(sequence.mul(kept.expandDims(2)), 1)
        .div(kept.sum(1, true)) as tf.Tensor2D;
      expectTensorsClose(pooledMean, manualMean, { label: 'mean pooling over non-padding' });
    });
    cls.dispose();
    average.dispose();
  });

  it('refuses a causal encoder, a tokenizer without [MASK] and a text without [MASK]', () => {
    const causal = createTransformerEncoder({ vocabularySize: 50, causal: true, layers: 1 });
    expect(() => createBert({ encoder: causal, specialTokens: { mask: 4 } })).toThrow(
      /bidirectional/,
    );
    const encoder = createBertEncoder({ vocabularySize: 50, paddingId: 0, layers: 1 });
    expect(() => createBert({ encoder, specialTokens: { padding: 0 } })).toThrow(/mask/);
    expect(() => createBert({ encoder, specialTokens: { mask: 60 } })).toThrow(/outside/);
    causal.dispose();
    encoder.dispose();
    const bert = tinyBert(6);
    expect(() => fillMask(bert, tokenizer, 'no mask here')).toThrow(/no \[MASK\]/);
    bert.dispose();
  });

  describe('checkpoints', () => {
    const directory = mkdtempSync(join(tmpdir(), 'selfsup-bert-'));
    afterAll(() => rmSync(directory, { recursive: true, force: true }));

    it('loadBert restores the encoder and head that fillMask uses', async () => {
      const bert = tinyBert(7);
      const source = bertSequenceSource(streamIds, {
        sequenceLength: 32,
        batchSize: 4,
        specialTokens: tokenizer.specialTokens,
      });
      await pretrain(bert, source, { steps: 2, seed: 1, checkpoint: { directory } });
      const text = 'the [MASK] of the union is [MASK].';
      const expected = fillMask(bert, tokenizer, text);
      const loaded = await loadBert(directory);
      const actual = fillMask(loaded, tokenizer, text);
      expect(actual.map((row) => row.map((candidate) => candidate.id))).toEqual(
        expected.map((row) => row.map((candidate) => candidate.id)),
      );
      expect(actual[0]![0]!.probability).toBeCloseTo(expected[0]![0]!.probability, 5);
      expect(loaded.manifest.method).toBe('bert-mlm');
      loaded.dispose();
      bert.dispose();
    });
  });
});
