import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readMobyDick } from './__fixtures__/moby-dick';
import { trainBytePairEncodingTokenizer } from './byte-pair-encoding-tokenizer';
import { trainCharacterTokenizer } from './character-tokenizer';
import { loadTokenizer } from './tokenizer-file';
import { trainWordPieceTokenizer } from './word-piece-tokenizer';

// Property-based tests (fast-check): any Unicode string either round-trips or errors cleanly.
const corpus = readMobyDick(0, 20_000);
const bytePairEncoding = trainBytePairEncodingTokenizer(corpus, { vocabularySize: 300 });
const wordPiece = trainWordPieceTokenizer(corpus, { vocabularySize: 300 });
const characters = trainCharacterTokenizer('abc d', { specialTokens: false });
const specialStrings = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', '<|endoftext|>'];
const withoutSpecials = (text: string): boolean =>
  specialStrings.every((special) => !text.includes(special));
const anyText = fc
  .oneof(
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({
      unit: fc.constantFrom('a', ' ', '\u0000', '\uD83D', '\uDE00', 'é', '\r\n', '[', ']'),
      maxLength: 20,
    }),
  )
  .filter(withoutSpecials);
/** Lone UTF-16 surrogates: they have no UTF-8 encoding (String#isWellFormed is ES2024). */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const wellFormed = (text: string): boolean => text.search(loneSurrogate) === -1;
const toWellFormed = (text: string): string => text.replace(loneSurrogate, '\uFFFD');

describe('tokenizers on any Unicode string', () => {
  it('byte-level BPE: every well-formed string round-trips exactly; ids are in the vocabulary', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const ids = bytePairEncoding.encode(text);
        for (const id of ids) expect(id >= 0 && id < bytePairEncoding.vocabularySize).toBe(true);
        // A lone surrogate has no UTF-8 bytes: it encodes as U+FFFD, like TextEncoder does.
        if (wellFormed(text)) expect(bytePairEncoding.decode(ids)).toBe(text);
        else expect(bytePairEncoding.decode(ids)).toBe(toWellFormed(text));
      }),
      { numRuns: 300 },
    );
  });

  it('WordPiece: encodes any string to ids in the vocabulary ([UNK] for unknown pieces) and decodes them', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const ids = wordPiece.encode(text);
        for (const id of ids) expect(id >= 0 && id < wordPiece.vocabularySize).toBe(true);
        expect(typeof wordPiece.decode(ids)).toBe('string');
      }),
      { numRuns: 300 },
    );
  });

  it('characters without [UNK]: known text round-trips, unknown text throws naming the character', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const known = [...text].every((character) => 'abc d'.includes(character));
        if (known) {
          expect(characters.decode(characters.encode(text))).toBe(text);
          return;
        }
        expect(() => characters.encode(text)).toThrow(
          /Tokenizer: character .* \(U\+[0-9A-F]{4,}\) is not in the vocabulary and there is no \[UNK\] token/s,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('decode: any list of numbers decodes, or throws a RangeError naming the bad index', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: -5, max: 400 }), fc.double()), { maxLength: 10 }),
        (ids) => {
          const bad = ids.findIndex(
            (id) => !Number.isInteger(id) || id < 0 || id >= bytePairEncoding.vocabularySize,
          );
          if (bad === -1) expect(typeof bytePairEncoding.decode(ids)).toBe('string');
          else
            expect(() => bytePairEncoding.decode(ids)).toThrow(
              new RegExp(`Tokenizer\\.decode: ids\\[${bad}\\] = .* is not an id of this tokenizer`),
            );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('loadTokenizer: any edited tokenizer.json loads or fails with an Error that names the source', () => {
    const valid = JSON.parse(JSON.stringify(characters)) as Record<string, unknown>;
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(valid)),
        fc.oneof(fc.jsonValue(), fc.constant(undefined)),
        (field, value) => {
          const edited = { ...valid, [field]: value };
          try {
            const tokenizer = loadTokenizer(edited);
            expect(tokenizer.vocabularySize).toBeGreaterThan(0);
          } catch (error) {
            expect(error).toBeInstanceOf(Error);
            expect((error as Error).message).toMatch(/loadTokenizer|tokenizer\.json/);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
