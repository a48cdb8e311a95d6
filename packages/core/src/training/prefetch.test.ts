import { describe, expect, it } from 'vitest';
import { prefetch } from './prefetch';

describe('prefetch', () => {
  it('reads ahead by its depth, keeps the order, and ends with the source', async () => {
    let produced = 0;
    const source = (function* () {
      for (let i = 0; i < 6; i++) {
        produced++;
        yield i;
      }
    })();
    const iterator = prefetch(source, 2);
    const first = await iterator.next();
    expect(first).toEqual({ done: false, value: 0 });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(produced).toBe(3); // the consumed item and two ahead
    const rest: number[] = [];
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next())
      rest.push(next.value);
    expect(rest).toEqual([1, 2, 3, 4, 5]);
  });

  it('hands unconsumed items to the disposer on return', async () => {
    async function* source(): AsyncGenerator<number> {
      for (let i = 0; i < 10; i++) yield i;
    }
    const disposed: number[] = [];
    const iterator = prefetch(source(), 3, (item) => disposed.push(item));
    await iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 0));
    await iterator.return();
    expect(disposed).toEqual([1, 2, 3]);
    expect((await iterator.next()).done).toBe(true);
  });

  it('rejects a negative depth', () => {
    expect(() => prefetch([1][Symbol.iterator](), -1)).toThrow(/depth must be an integer ≥ 0/);
  });
});
