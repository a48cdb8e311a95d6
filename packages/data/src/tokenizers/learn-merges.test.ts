import { describe, expect, it } from 'vitest';
import { readMobyDick } from './__fixtures__/moby-dick';
import { learnMerges } from './learn-merges';

/** Textbook BPE: re-count every pair over every word at each merge (slow, obviously right). */
function referenceMerges(
  wordCounts: Map<string, number>,
  alphabet: string[],
  vocabularySize: number,
) {
  const tokens = [...alphabet];
  const idOf = new Map(tokens.map((token, id) => [token, id]));
  const words = [...wordCounts].map(([word, count]) => ({ symbols: [...word], count }));
  const merges: [string, string][] = [];
  while (tokens.length < vocabularySize) {
    const counts = new Map<string, number>();
    for (const { symbols, count } of words) {
      for (let index = 0; index + 1 < symbols.length; index += 1) {
        const key = `${symbols[index]}\u0000${symbols[index + 1]}`;
        counts.set(key, (counts.get(key) ?? 0) + count);
      }
    }
    let best: [string, string] | undefined;
    let bestCount = 0;
    for (const [key, count] of counts) {
      const [left, right] = key.split('\u0000') as [string, string];
      const order = (pair: [string, string]) =>
        (idOf.get(pair[0]) ?? 0) * 2 ** 21 + (idOf.get(pair[1]) ?? 0);
      if (
        count > bestCount ||
        (count === bestCount && best && order([left, right]) < order(best))
      ) {
        best = [left, right];
        bestCount = count;
      }
    }
    if (!best) break;
    const [left, right] = best;
    merges.push(best);
    if (!idOf.has(left + right)) {
      idOf.set(left + right, tokens.length);
      tokens.push(left + right);
    }
    for (const word of words) {
      const merged: string[] = [];
      for (let index = 0; index < word.symbols.length; index += 1) {
        if (word.symbols[index] === left && word.symbols[index + 1] === right) {
          merged.push(left + right);
          index += 1;
        } else merged.push(word.symbols[index] as string);
      }
      word.symbols = merged;
    }
  }
  return { tokens, merges };
}

describe('learnMerges', () => {
  it('merges the most frequent pair first (Sennrich et al. 2016 example)', () => {
    const wordCounts = new Map([
      ['low', 5],
      ['lower', 2],
      ['newest', 6],
      ['widest', 3],
    ]);
    const { tokens, merges } = learnMerges({
      wordCounts,
      initialSymbols: (word) => [...word],
      reservedTokens: ['[PAD]'],
      alphabet: ['d', 'e', 'i', 'l', 'n', 'o', 'r', 's', 't', 'w'],
      mergeTokens: (left, right) => left + right,
      vocabularySize: 14,
    });
    // (e,s) and (s,t) both occur 9 times: the tie goes to the smaller ids, (e,s).
    expect(merges).toEqual([
      ['e', 's'],
      ['es', 't'],
      ['l', 'o'],
    ]);
    expect(tokens.slice(0, 2)).toEqual(['[PAD]', 'd']);
    expect(tokens.slice(11)).toEqual(['es', 'est', 'lo']);
  });

  it('gives exactly the merges of a from-scratch re-counting trainer on real text', () => {
    const words =
      readMobyDick(0, 30_000)
        .toLowerCase()
        .match(/[a-z]+/g) ?? [];
    const wordCounts = new Map<string, number>();
    for (const word of words) wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
    const alphabet = [...'abcdefghijklmnopqrstuvwxyz'];
    const fast = learnMerges({
      wordCounts,
      initialSymbols: (word) => [...word],
      reservedTokens: [],
      alphabet,
      mergeTokens: (left, right) => left + right,
      vocabularySize: 226,
    });
    const reference = referenceMerges(wordCounts, alphabet, 226);
    expect(fast.merges.length).toBeGreaterThanOrEqual(200);
    expect(fast.merges).toEqual(reference.merges);
    expect(fast.tokens).toEqual(reference.tokens);
  });

  it('handles repeated symbols (a a a a) without double counting', () => {
    const { tokens, merges } = learnMerges({
      wordCounts: new Map([['aaaa', 1]]),
      initialSymbols: (word) => [...word],
      reservedTokens: [],
      alphabet: ['a'],
      mergeTokens: (left, right) => left + right,
      vocabularySize: 10,
    });
    expect(merges).toEqual([
      ['a', 'a'],
      ['aa', 'aa'],
    ]);
    expect(tokens).toEqual(['a', 'aa', 'aaaa']);
  });
});
