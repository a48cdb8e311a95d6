/**
 * Wraps an iterator (sync or async) so that up to `depth` items are requested ahead of the
 * consumer: data preparation (decoding, augmentation, tensor creation) overlaps the training
 * step. Items are produced in order; `return()` waits for what was requested and hands every
 * unconsumed item to `disposeItem`.
 *
 * @param source the iterator to read ahead of.
 * @param depth items requested ahead (0 reads on demand). @default 2
 * @param disposeItem frees an item that was produced but never consumed (e.g. `tf.dispose`).
 * @returns an async iterator over the same items.
 * @example const batches = prefetch(source.batches({ position: 0, seed }), 2, tf.dispose);
 */
export function prefetch<Item>(
  source: Iterator<Item> | AsyncIterator<Item>,
  depth = 2,
  disposeItem: (item: Item) => void = () => {},
): AsyncIterator<Item> & { return(): Promise<IteratorResult<Item>> } {
  if (!Number.isInteger(depth) || depth < 0)
    throw new RangeError(`prefetch depth must be an integer ≥ 0, got ${depth}.`);
  const pending: Promise<IteratorResult<Item>>[] = [];
  let finished = false;
  let chain: Promise<unknown> = Promise.resolve();
  const request = (): Promise<IteratorResult<Item>> => {
    // Serialise calls to the source: an iterator's next() is not re-entrant.
    const result = chain.then(() =>
      finished ? { done: true as const, value: undefined } : source.next(),
    );
    chain = result.then(
      (item) => {
        if (item.done) finished = true;
      },
      () => {
        finished = true;
      },
    );
    return result as Promise<IteratorResult<Item>>;
  };
  const fill = (): void => {
    while (!finished && pending.length < depth) pending.push(request());
  };
  return {
    async next(): Promise<IteratorResult<Item>> {
      const result = await (pending.shift() ?? request());
      fill();
      return result;
    },
    async return(): Promise<IteratorResult<Item>> {
      const remaining = pending.splice(0);
      finished = true;
      for (const promise of remaining) {
        try {
          const item = await promise;
          if (!item.done) disposeItem(item.value);
        } catch {
          // The consumer is leaving; an error of a batch it will not read is irrelevant.
        }
      }
      await source.return?.();
      return { done: true, value: undefined };
    },
  };
}
