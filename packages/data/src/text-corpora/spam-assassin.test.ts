import { beforeAll, describe, expect, it } from 'vitest';
import { bodyKey, loadSpamAssassin, messageBody, type SpamAssassinCorpus } from './spam-assassin';

describe('loadSpamAssassin', () => {
  let corpus: SpamAssassinCorpus;
  beforeAll(() => {
    corpus = loadSpamAssassin();
  });

  it('loads 6,046 messages: 4,150 ham and 1,896 spam in the five groups', () => {
    const description = corpus.describe();
    expect(corpus.messages).toHaveLength(6046);
    expect(description.countsPerClass).toEqual([4150, 1896]);
    expect(description.countsPerGroup).toMatchObject({
      'easy-ham-1': 2500,
      'easy-ham-2': 1400,
      'hard-ham-1': 250,
      'spam-1': 500,
      'spam-2': 1396,
    });
    expect(
      corpus.messages.every(
        (message) => message.label === (message.group.startsWith('spam') ? 1 : 0),
      ),
    ).toBe(true);
  });

  it('strips headers by default and keeps them on request', () => {
    const first = corpus.messages[0]!;
    expect(first.text).toBe(first.body);
    expect(first.text).not.toMatch(/^Return-Path:/m);
    const kept = loadSpamAssassin({ headers: 'keep' });
    expect(kept.messages[0]!.text.startsWith('From ')).toBe(true);
    expect(kept.messages[0]!.text).toMatch(/^Return-Path:/m);
    expect(messageBody(kept.messages[0]!.text)).toBe(first.body);
    expect(kept.test.map((message) => message.id)).toEqual(
      corpus.test.map((message) => message.id),
    );
  });

  it('splits 4,841 / 1,205 (20% of distinct bodies per class), the same on every load', () => {
    expect(corpus.train).toHaveLength(4841);
    expect(corpus.test).toHaveLength(1205);
    expect(corpus.test.filter((message) => message.label === 1)).toHaveLength(373);
    // Fixed by a constant seed (a second load gives the same split: see the headers test).
    expect(corpus.test.slice(0, 2).map((message) => message.id)).toEqual([
      'easy-ham-1/00002',
      'easy-ham-1/00012',
    ]);
  });

  it('never serves a test body for training or pretraining', () => {
    const trainKeys = new Set(corpus.train.map((message) => bodyKey(message.body)));
    const testKeys = new Set(corpus.test.map((message) => bodyKey(message.body)));
    const pretraining = corpus.pretrainingBodies();
    expect(pretraining).toHaveLength(4703);
    // Every pretraining body is a training body, compared after white-space normalization.
    expect(pretraining.every((body) => trainKeys.has(bodyKey(body)))).toBe(true);
    expect([...testKeys].filter((key) => trainKeys.has(key))).toEqual([]);
    // Duplicated bodies exist (5,839 distinct among 6,046), so the de-duplication matters.
    expect(trainKeys.size + testKeys.size).toBe(5839);
  });
});
