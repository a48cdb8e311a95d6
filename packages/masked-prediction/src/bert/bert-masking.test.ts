import { initBackend, maskTokens } from '@selfsup/core';
import { loadSotu, trainWordPieceTokenizer } from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBert } from './bert';
import { createBertEncoder } from './bert-encoder';
import { encodeBertInputs } from './bert-inputs';

describe('BERT token masking (15%, 80/10/10) on real text', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('over 10^5 tokens selects 15% ± 0.5% of them, splits 80/10/10 and never selects a special token', async () => {
    const addresses = loadSotu().addresses;
    const tokenizer = trainWordPieceTokenizer(
      addresses.slice(0, 8).map((address) => address.text),
      { vocabularySize: 800 },
    );
    // Pieces of 70 words of later addresses, cut to 128 tokens: [CLS] text [SEP] [PAD]…, the
    // finetuning format (the last piece of each address is short, so padding occurs too).
    const pieces = addresses.slice(100, 160).flatMap((address) => {
      const words = address.text.split(/\s+/).filter((word) => word.length > 0);
      return Array.from({ length: Math.ceil(words.length / 70) }, (_, index) =>
        words.slice(index * 70, (index + 1) * 70).join(' '),
      );
    });
    const inputs = encodeBertInputs(tokenizer, pieces.slice(0, 1200), { maxLength: 128 });
    const bert = createBert({
      encoder: createBertEncoder({
        vocabularySize: tokenizer.vocabularySize,
        paddingId: tokenizer.specialTokens.padding!,
        embeddingSize: 16,
        layers: 1,
        heads: 2,
      }),
      specialTokens: tokenizer.specialTokens,
    });
    const special = new Set(Object.values(tokenizer.specialTokens));
    const maskId = tokenizer.specialTokens.mask!;
    const result = maskTokens(inputs, 11, bert.maskingOptions);
    const original = inputs.dataSync();
    const corrupted = result.inputs.dataSync();
    const weights = result.weights.dataSync();
    const labels = result.labels.dataSync();
    let tokens = 0;
    let specialTokens = 0;
    let selected = 0;
    let masked = 0;
    let random = 0;
    let kept = 0;
    // Labels differing from the input, special tokens selected or changed, unselected tokens
    // changed, special tokens drawn as random replacements.
    let violations = 0;
    for (let index = 0; index < original.length; index++) {
      const id = original[index]!;
      if (labels[index] !== id) violations += 1;
      if (special.has(id)) {
        specialTokens += 1;
        if (weights[index] !== 0 || corrupted[index] !== id) violations += 1;
        continue;
      }
      tokens += 1;
      if (weights[index] === 0) {
        if (corrupted[index] !== id) violations += 1;
        continue;
      }
      selected += 1;
      if (corrupted[index] === maskId) masked += 1;
      else if (corrupted[index] === id) kept += 1;
      else {
        random += 1;
        if (special.has(corrupted[index]!)) violations += 1;
      }
    }
    expect(violations).toBe(0);
    expect(tokens).toBeGreaterThan(100_000);
    expect(specialTokens).toBeGreaterThan(0);
    expect(Math.abs(selected / tokens - 0.15)).toBeLessThan(0.005);
    // ~16k selected tokens: binomial standard deviations 0.003 (80%) and 0.0024 (10%); bounds ≈ 4σ.
    expect(Math.abs(masked / selected - 0.8)).toBeLessThan(0.013);
    expect(Math.abs(random / selected - 0.1)).toBeLessThan(0.01);
    expect(Math.abs(kept / selected - 0.1)).toBeLessThan(0.01);
    tf.dispose([inputs, result.inputs, result.labels, result.weights]);
    bert.dispose();
  });
});
