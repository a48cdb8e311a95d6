import { initBackend, type TokenizerV1 } from '@selfsup/core';
import { trainWordPieceTokenizer } from '@selfsup/data';
import type * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bertSequenceSource, encodeBertInputs } from './bert-inputs';

let tokenizer: TokenizerV1;

describe('BERT inputs', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    tokenizer = trainWordPieceTokenizer(
      'We the people of the United States, in order to form a more perfect union, establish justice.',
      { vocabularySize: 120 },
    );
  });

  it('encodeBertInputs writes [CLS] tokens [SEP] then [PAD], cutting long texts', () => {
    const { classification, separator, padding } = tokenizer.specialTokens;
    const short = tokenizer.encode('we the people');
    const inputs = encodeBertInputs(tokenizer, ['we the people', 'we the people '.repeat(20)], {
      maxLength: 10,
    });
    const rows = inputs.arraySync();
    expect(inputs.dtype).toBe('int32');
    expect(rows[0]).toEqual([
      classification,
      ...short,
      separator,
      ...new Array(10 - short.length - 2).fill(padding),
    ]);
    expect(rows[1]![0]).toBe(classification);
    expect(rows[1]![9]).toBe(separator);
    expect(rows[1]!.includes(padding!)).toBe(false);
    inputs.dispose();
    expect(() => encodeBertInputs({ ...tokenizer, specialTokens: {} }, ['x'])).toThrow(/\[CLS\]/);
  });

  it("encodeBertInputs' head-and-tail truncation keeps a long text's start and end", () => {
    const { classification, separator, padding } = tokenizer.specialTokens;
    const text = Array.from({ length: 12 }, (_, index) =>
      index % 2 === 0 ? 'we the people' : 'establish justice',
    ).join(' ');
    const all = tokenizer.encode(text);
    expect(all.length).toBeGreaterThan(20);
    const inputs = encodeBertInputs(tokenizer, [text, 'we the people'], {
      maxLength: 22,
      truncation: 'head-and-tail',
    });
    const [long, short] = inputs.arraySync();
    inputs.dispose();
    // 20 kept tokens: round(0.25 × 20) = 5 from the start, 15 from the end.
    expect(long).toEqual([classification, ...all.slice(0, 5), ...all.slice(-15), separator]);
    const few = tokenizer.encode('we the people');
    expect(short).toEqual([
      classification,
      ...few,
      separator,
      ...new Array(22 - few.length - 2).fill(padding),
    ]);
    const headOnly = encodeBertInputs(tokenizer, [text], { maxLength: 22, headFraction: 0 });
    expect(headOnly.arraySync()[0]!.slice(1, 21)).toEqual([...all.slice(0, 20)]);
    headOnly.dispose();
    expect(() => encodeBertInputs(tokenizer, [text], { truncation: 'tail' as 'head' })).toThrow(
      /truncation must be 'head' or 'head-and-tail'/,
    );
    expect(() =>
      encodeBertInputs(tokenizer, [text], { truncation: 'head-and-tail', headFraction: 1.5 }),
    ).toThrow(/headFraction must be in \[0, 1\]/);
  });

  it('encodeBertInputs with windows lays a long text out as consecutive sequences', () => {
    const { classification, separator, padding } = tokenizer.specialTokens;
    const text = 'we the people establish justice '.repeat(4);
    const all = tokenizer.encode(text);
    expect(all.length).toBeGreaterThan(16);
    const inputs = encodeBertInputs(tokenizer, [text, 'we the people', ''], {
      maxLength: 10,
      windows: 3,
    });
    expect(inputs.shape).toEqual([3, 30]);
    const [long, short, empty] = inputs.arraySync();
    inputs.dispose();
    const window = (tokens: readonly number[]) => [
      classification,
      ...tokens,
      separator,
      ...new Array(8 - tokens.length).fill(padding),
    ];
    // 8 text tokens per window, 24 kept.
    expect(long).toEqual([
      ...window(all.slice(0, 8)),
      ...window(all.slice(8, 16)),
      ...window(all.slice(16, 24)),
    ]);
    const emptyWindow = new Array(10).fill(padding);
    expect(short).toEqual([
      ...window(tokenizer.encode('we the people')),
      ...emptyWindow,
      ...emptyWindow,
    ]);
    expect(empty).toEqual([...window([]), ...emptyWindow, ...emptyWindow]);
    // head-and-tail cuts the whole budget of 24 tokens: 6 from the start, 18 from the end.
    const longer = `${text}${'form a more perfect union '.repeat(4)}`;
    const ids = tokenizer.encode(longer);
    const cut = encodeBertInputs(tokenizer, [longer], {
      maxLength: 10,
      windows: 3,
      truncation: 'head-and-tail',
    });
    const kept = [...ids.slice(0, 6), ...ids.slice(-18)];
    expect(cut.arraySync()[0]).toEqual([
      ...window(kept.slice(0, 8)),
      ...window(kept.slice(8, 16)),
      ...window(kept.slice(16, 24)),
    ]);
    cut.dispose();
    expect(() => encodeBertInputs(tokenizer, [text], { windows: 0 })).toThrow(
      /windows must be an integer ≥ 1/,
    );
  });

  it('bertSequenceSource yields [CLS] window [SEP] batches that resume exactly', () => {
    const ids = Int32Array.from({ length: 200 }, (_, index) => 10 + (index % 50));
    const source = bertSequenceSource(ids, {
      sequenceLength: 12,
      batchSize: 3,
      specialTokens: tokenizer.specialTokens,
    });
    expect(source.windowCount).toBe(191);
    const read = (position: number, count: number): number[][][] => {
      const iterator = source.batches({ position, seed: 7 }) as Iterator<tf.Tensor2D>;
      return Array.from({ length: count }, () => {
        const batch = iterator.next().value as tf.Tensor2D;
        const rows = batch.arraySync();
        batch.dispose();
        return rows;
      });
    };
    const uninterrupted = read(0, 4);
    expect(read(2, 2)).toEqual(uninterrupted.slice(2));
    for (const row of uninterrupted.flat()) {
      expect(row).toHaveLength(12);
      expect(row[0]).toBe(tokenizer.specialTokens.classification);
      expect(row[11]).toBe(tokenizer.specialTokens.separator);
      // A contiguous window of the stream.
      const start = ids.indexOf(row[1]!);
      expect(
        row.slice(1, 11).every((id, index) => (id - 10 - ((start + index) % 50)) % 50 === 0),
      ).toBe(true);
    }
    expect(() =>
      bertSequenceSource(ids.subarray(0, 5), {
        sequenceLength: 12,
        batchSize: 1,
        specialTokens: tokenizer.specialTokens,
      }),
    ).toThrow(/at least/);
  });
});
