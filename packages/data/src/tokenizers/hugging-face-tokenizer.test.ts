import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { tokenizerFromJson } from './hugging-face-tokenizer';

/** A hand-written BERT-style file, as published on the Hub (with a [CLS] … [SEP] template). */
const bertStyle = {
  version: '1.0',
  added_tokens: [
    { id: 0, content: '[PAD]', special: true },
    { id: 1, content: '[UNK]', special: true },
    { id: 2, content: '[CLS]', special: true },
    { id: 3, content: '[SEP]', special: true },
    { id: 4, content: '[MASK]', special: true },
  ],
  normalizer: {
    type: 'BertNormalizer',
    clean_text: true,
    handle_chinese_chars: true,
    strip_accents: null,
    lowercase: true,
  },
  pre_tokenizer: { type: 'BertPreTokenizer' },
  post_processor: {
    type: 'TemplateProcessing',
    single: [
      { SpecialToken: { id: '[CLS]', type_id: 0 } },
      { Sequence: { id: 'A', type_id: 0 } },
      { SpecialToken: { id: '[SEP]', type_id: 0 } },
    ],
    pair: [],
    special_tokens: {
      '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
      '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
    },
  },
  decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
  model: {
    type: 'WordPiece',
    unk_token: '[UNK]',
    continuing_subword_prefix: '##',
    max_input_chars_per_word: 100,
    vocab: {
      '[PAD]': 0,
      '[UNK]': 1,
      '[CLS]': 2,
      '[SEP]': 3,
      '[MASK]': 4,
      the: 5,
      whale: 6,
      '##s': 7,
      sea: 8,
      '.': 9,
    },
  },
};

/** A GPT-2-style file with only an end-of-text special token. */
const gptStyle = {
  added_tokens: [{ id: 5, content: '<|endoftext|>', special: true }],
  pre_tokenizer: {
    type: 'ByteLevel',
    add_prefix_space: false,
    trim_offsets: true,
    use_regex: true,
  },
  decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
  model: {
    type: 'BPE',
    vocab: { a: 0, b: 1, Ġ: 2, ab: 3, Ġab: 4, '<|endoftext|>': 5 },
    merges: ['a b', 'Ġ ab'],
  },
};

describe('tokenizerFromJson', () => {
  it('reads a BERT-style file: names special tokens, never adds the [CLS]/[SEP] template', () => {
    const tokenizer = tokenizerFromJson(bertStyle);
    expect(tokenizer.vocabularySize).toBe(10);
    expect(tokenizer.specialTokens).toEqual({
      padding: 0,
      unknown: 1,
      classification: 2,
      separator: 3,
      mask: 4,
    });
    expect(tokenizer.encode('The whales, sea.')).toEqual([5, 6, 7, 1, 8, 9]);
    expect(new Tokenizer(bertStyle, {}).encode('The whales, sea.').ids).toEqual([
      2, 5, 6, 7, 1, 8, 9, 3,
    ]);
    expect(tokenizer.decode([2, 5, 6, 7, 8, 9, 3])).toBe('the whales sea.');
    expect(tokenizer.decode([2, 5, 6, 3], { keepSpecialTokens: true })).toBe(
      '[CLS] the whale [SEP]',
    );
  });

  it('reads a GPT-2-style file (missing fields default as in the Rust library)', () => {
    const tokenizer = tokenizerFromJson(gptStyle);
    expect(tokenizer.specialTokens).toEqual({ endOfText: 5 });
    expect(tokenizer.encode('ab ab<|endoftext|>')).toEqual([3, 4, 5]);
    expect(tokenizer.decode([3, 4, 5])).toBe('ab ab');
    expect(tokenizer.json.normalizer).toBeNull();
    expect(tokenizer.json.added_tokens[0]).toMatchObject({ normalized: false, lstrip: false });
    expect(JSON.parse(JSON.stringify(tokenizer)).model.merges).toEqual(['a b', 'Ġ ab']);
  });
});
