import { describe, expect, it } from 'vitest';
import { loadSotu } from './sotu';

describe('loadSotu', () => {
  it('loads 233 addresses by 43 presidents, 1790–2021, with years, presidents and parties', () => {
    const corpus = loadSotu();
    const { addresses } = corpus;
    expect(addresses).toHaveLength(233);
    expect(addresses[0]).toMatchObject({
      year: 1790,
      president: 'George Washington',
      party: 'none',
    });
    expect(addresses.at(-1)).toMatchObject({
      year: 2021,
      president: 'Joseph R Biden',
      party: 'Democratic',
    });
    expect(addresses[0]!.text.startsWith('Fellow-Citizens of the Senate and House')).toBe(true);
    const years = addresses.map((address) => address.year);
    expect(years).toEqual([...years].sort((a, b) => a - b));
    const description = corpus.describe();
    expect(description.documents).toBe(233);
    expect(description.characters).toBe(10_759_831);
    expect(description.classes).toHaveLength(43);
    expect(description.countsPerGroup).toMatchObject({
      'party:Republican': 92,
      'party:Democratic': 90,
      'party:Democratic-Republican': 28,
      'party:none': 7,
      'party:Whig': 4,
    });
    expect(addresses.filter((address) => address.year === 1953).map((a) => a.president)).toEqual([
      'Dwight D Eisenhower',
      'Harry S Truman',
    ]);
  });
});
