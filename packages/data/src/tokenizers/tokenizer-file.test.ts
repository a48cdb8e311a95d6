import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import type { TokenizerV1 } from '@selfsup/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMobyDick } from './__fixtures__/moby-dick';
import { trainBytePairEncodingTokenizer } from './byte-pair-encoding-tokenizer';
import { trainCharacterTokenizer } from './character-tokenizer';
import type { HuggingFaceTokenizer } from './hugging-face-tokenizer';
import { loadTokenizer, saveTokenizer } from './tokenizer-file';
import { trainWordPieceTokenizer } from './word-piece-tokenizer';

const variedTexts = [
  'Call me Ishmael. Some years ago—never mind how long precisely—having little or no money',
  "It's the whale's    spout!\n\n\tThere she blows!  ",
  'naïve café, Ærøskøbing, 中文字符, ελληνικά, 😀🐳 and \u0007 control',
  '[CLS] the white whale [SEP] [MASK] ahab [PAD]<|endoftext|>',
  'unknownish zzyzx qqq xylophone 1851 3.14 @#$%',
];

describe('saveTokenizer / loadTokenizer (Hugging Face tokenizer.json)', () => {
  let directory: string;
  let trained: Record<string, HuggingFaceTokenizer>;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'selfsup-tokenizers-'));
    const corpus = readMobyDick(0, 150_000);
    trained = {
      character: trainCharacterTokenizer(corpus),
      bytePairEncoding: trainBytePairEncodingTokenizer(corpus, { vocabularySize: 800 }),
      wordPiece: trainWordPieceTokenizer(corpus, { vocabularySize: 800 }),
    };
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  for (const kind of ['character', 'bytePairEncoding', 'wordPiece']) {
    it(`${kind}: save then load gives the same ids, tokens and text, equal to @huggingface/tokenizers`, () => {
      const original = trained[kind] as HuggingFaceTokenizer;
      const path = join(directory, kind, 'tokenizer.json');
      saveTokenizer(original, path);
      saveTokenizer(original, path); // overwrite in place
      expect(readdirSync(join(directory, kind))).toEqual(['tokenizer.json']);
      const loaded = loadTokenizer(path);
      const library = new Tokenizer(JSON.parse(readFileSync(path, 'utf8')), {});
      expect(loaded.vocabularySize).toBe(original.vocabularySize);
      expect(loaded.specialTokens).toEqual(original.specialTokens);
      for (let id = 0; id < loaded.vocabularySize; id += 97) {
        expect(loaded.idToToken(id)).toBe(original.idToToken(id));
        expect(library.id_to_token(id)).toBe(original.idToToken(id));
      }
      for (const text of [...variedTexts, readMobyDick(700_000, 703_000)]) {
        const ids = original.encode(text);
        expect(loaded.encode(text)).toEqual(ids);
        expect(library.encode(text).ids).toEqual(ids);
        expect(loaded.decode(ids)).toBe(original.decode(ids));
        expect(
          library.decode(ids, { skip_special_tokens: true, clean_up_tokenization_spaces: false }),
        ).toBe(loaded.decode(ids));
      }
      expect(
        loadTokenizer(JSON.parse(readFileSync(path, 'utf8'))).encode(variedTexts[0] as string),
      ).toEqual(original.encode(variedTexts[0] as string));
    });
  }

  it('writes the fields the ecosystem expects', () => {
    const path = join(directory, 'fields', 'tokenizer.json');
    saveTokenizer(trained.wordPiece as HuggingFaceTokenizer, path);
    const json = JSON.parse(readFileSync(path, 'utf8'));
    expect(json.model).toMatchObject({
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
    });
    expect(json.normalizer.type).toBe('BertNormalizer');
    expect(json.pre_tokenizer.type).toBe('BertPreTokenizer');
    expect(json.decoder).toEqual({ type: 'WordPiece', prefix: '##', cleanup: true });
    expect(json.added_tokens[4]).toMatchObject({ id: 4, content: '[MASK]', special: true });
    const bytePairEncoding = (trained.bytePairEncoding as HuggingFaceTokenizer).json;
    expect(bytePairEncoding.model.type).toBe('BPE');
    expect(bytePairEncoding.pre_tokenizer?.type).toBe('ByteLevel');
    if (bytePairEncoding.model.type === 'BPE')
      expect(bytePairEncoding.model.merges[0]).toMatch(/^\S+ \S+$/);
  });

  it('refuses a tokenizer without a tokenizer.json form', () => {
    const plain = { ...(trained.character as HuggingFaceTokenizer) } as unknown as TokenizerV1;
    expect(() => saveTokenizer(plain, join(directory, 'x.json'))).toThrow(/no tokenizer.json form/);
  });

  it('checks decode ids', () => {
    const tokenizer = trained.character as HuggingFaceTokenizer;
    expect(tokenizer.decode([])).toBe('');
    expect(() => tokenizer.decode([6, tokenizer.vocabularySize])).toThrow(
      /ids\[1\] = \d+ is not an id/,
    );
    expect(() => tokenizer.decode([0.5])).toThrow(/ids\[0\]/);
    expect(tokenizer.idToToken(-1)).toBeUndefined();
  });

  describe('malformed tokenizer.json: errors name the field', () => {
    const valid = () =>
      JSON.parse(JSON.stringify((trained.bytePairEncoding as HuggingFaceTokenizer).json));
    const validWordPiece = () =>
      JSON.parse(JSON.stringify((trained.wordPiece as HuggingFaceTokenizer).json));
    const cases: [string, () => unknown, RegExp][] = [
      ['not an object', () => [1, 2], /expected a JSON object with a "model" field/],
      ['no model', () => ({ ...valid(), model: undefined }), /field "model" must be an object/],
      [
        'unsupported model',
        () => ({ ...valid(), model: { ...valid().model, type: 'Unigram' } }),
        /field "model.type" must be "BPE" or "WordPiece"/,
      ],
      [
        'vocab array',
        () => ({ ...valid(), model: { ...valid().model, vocab: ['a'] } }),
        /field "model.vocab" must be an object/,
      ],
      [
        'bad id',
        () => ({
          ...valid(),
          model: { ...valid().model, vocab: { ...valid().model.vocab, '[PAD]': -1 } },
        }),
        /field "model.vocab\["\[PAD\]"\]" must be a non-negative integer/,
      ],
      [
        'duplicate id',
        () => ({
          ...valid(),
          model: { ...valid().model, vocab: { ...valid().model.vocab, extra: 7 } },
        }),
        /reuses id 7/,
      ],
      [
        'gap in ids',
        () => {
          const json = valid();
          json.model.merges = [];
          delete json.model.vocab.A;
          return json;
        },
        /id 71 has no token/,
      ],
      [
        'merge of unknown token',
        () => ({ ...valid(), model: { ...valid().model, merges: ['Ġ qqqq'] } }),
        /field "model.merges\[0\]" names the string "qqqq", which is not a token/,
      ],
      [
        'merge without a space',
        () => ({ ...valid(), model: { ...valid().model, merges: ['ab'] } }),
        /field "model.merges\[0\]" must be "left right"/,
      ],
      [
        'merges missing',
        () => ({ ...valid(), model: { ...valid().model, merges: undefined } }),
        /field "model.merges" must be an array/,
      ],
      [
        'WordPiece without unk',
        () => ({ ...validWordPiece(), model: { ...validWordPiece().model, unk_token: '<nope>' } }),
        /field "model.unk_token" must name a token/,
      ],
      [
        'added token without id',
        () => ({ ...valid(), added_tokens: [{ content: '[PAD]' }] }),
        /field "added_tokens\[0\].id" must be a non-negative integer/,
      ],
      [
        'added token clash',
        () => ({ ...valid(), added_tokens: [{ id: 0, content: '[XYZ]' }] }),
        /field "added_tokens\[0\].id" is 0, already the id of "\[PAD\]"/,
      ],
      [
        'decoder without type',
        () => ({ ...valid(), decoder: { prefix: '##' } }),
        /field "decoder" must be null or an object with a string "type"/,
      ],
      [
        // Found by the property test: an object whose toString is not a function.
        'version as an object that cannot become a string',
        () => ({ ...valid(), version: { toString: [] } }),
        /field "version" .*an object \{"toString":\[\]\}/,
      ],
      [
        'unknown decoder type',
        () => ({ ...valid(), decoder: { type: 'Telepathy' } }),
        /cannot build this tokenizer \(Unknown Decoder type: Telepathy\)/,
      ],
    ];
    for (const [name, make, message] of cases) {
      it(name, () => {
        expect(() => loadTokenizer(make() as object)).toThrow(message);
      });
    }

    it('names the file for unreadable, truncated and malformed files', () => {
      expect(() => loadTokenizer(join(directory, 'missing.json'))).toThrow(
        /cannot read .*missing.json/,
      );
      const truncated = join(directory, 'truncated.json');
      writeFileSync(truncated, '{"model": {"type": "BPE", "vo');
      expect(() => loadTokenizer(truncated)).toThrow(/truncated.json: not valid JSON/);
      const malformed = join(directory, 'malformed.json');
      writeFileSync(
        malformed,
        JSON.stringify({ ...valid(), model: { ...valid().model, merges: 3 } }),
      );
      expect(() => loadTokenizer(malformed)).toThrow(/malformed.json: field "model.merges"/);
    });
  });
});
