/**
 * A small, fast, seedable pseudo-random generator (sfc32, from PractRand) whose whole state is four
 * 32-bit words, so a checkpoint can store it and resume the exact same stream.
 *
 * Everything random in selfsup (initialisers, data order, masks, augmentations, dropout) draws
 * from a `SeededRandom` or from a seed derived with {@link deriveSeed}, so one `seed` option makes
 * a run reproducible on a given backend.
 *
 * @example
 * const random = new SeededRandom(42);
 * random.nextFloat(); // in [0, 1)
 * const order = random.permutation(10);
 */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** @param seed any integer (or a float, truncated); the same seed gives the same stream. */
  constructor(seed: number) {
    const s = Math.trunc(seed) >>> 0;
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = s;
    // Also mix the high bits of seeds above 2^32.
    this.c ^= Math.floor(Math.trunc(seed) / 2 ** 32) >>> 0;
    for (let i = 0; i < 16; i++) this.nextUint32();
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer in [0, n). */
  nextInt(n: number): number {
    if (!(n > 0) || !Number.isInteger(n)) {
      throw new RangeError(`nextInt(n) needs a positive integer n, got ${n}.`);
    }
    return Math.floor(this.nextFloat() * n);
  }

  /** A standard normal sample (Box–Muller). */
  nextNormal(): number {
    let u = 0;
    while (u === 0) u = this.nextFloat();
    const v = this.nextFloat();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A fresh 31-bit seed for a tfjs op or initializer that takes one. */
  nextSeed(): number {
    return this.nextUint32() >>> 1;
  }

  /** A random permutation of `0..n-1` (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    this.shuffle(order);
    return order;
  }

  /** Shuffles an array in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [index: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const swap = items[i];
      items[i] = items[j];
      items[j] = swap;
    }
    return items;
  }

  /** The generator state, to store in a checkpoint. */
  getState(): [number, number, number, number] {
    return [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0];
  }

  /** Restores a state from {@link SeededRandom.getState}. */
  setState(state: readonly number[]): void {
    if (state.length !== 4 || state.some((word) => !Number.isInteger(word))) {
      throw new Error(`A SeededRandom state is 4 integers, got ${JSON.stringify(state)}.`);
    }
    [this.a, this.b, this.c, this.d] = state.map((word) => word | 0) as [
      number,
      number,
      number,
      number,
    ];
  }

  /** An independent copy with the same state. */
  clone(): SeededRandom {
    const copy = new SeededRandom(0);
    copy.setState(this.getState());
    return copy;
  }
}

/**
 * Derives a 31-bit seed from a base seed and integers (a step, a worker, a purpose), so that
 * per-step randomness is a pure function of (seed, step) and resumes exactly.
 *
 * @example deriveSeed(runSeed, step, 7) // the mask seed of `step`
 */
export function deriveSeed(seed: number, ...parts: number[]): number {
  // murmur3-style finalizer over the words.
  let h = (Math.trunc(seed) ^ 0x5bd1e995) >>> 0;
  for (const part of [Math.floor(Math.trunc(seed) / 2 ** 32), ...parts]) {
    let k = Math.trunc(part) >>> 0;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) >>> 1;
}
