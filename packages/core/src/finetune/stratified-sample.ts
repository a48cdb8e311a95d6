import { deriveSeed, SeededRandom } from '../random/seeded-random';

/** A label budget: a number of labeled examples, or every labeled example. */
export type LabelBudget = number | 'all';

/** Options of {@link stratifiedSample}. */
export type StratifiedSampleOptions = {
  /** Number of classes (class ids are `0..numClasses-1`). */
  readonly numClasses: number;
  /** The seed that fixes which examples are drawn. */
  readonly seed: number;
};

const CLASS_ORDER_PURPOSE = 1;
const REMAINDER_PURPOSE = 2;
const SPLIT_PURPOSE = 3;

/** The indices of each class, in index order. */
function groupByClass(
  labels: ArrayLike<number>,
  numClasses: number,
  within?: ArrayLike<number>,
): number[][] {
  const groups: number[][] = Array.from({ length: numClasses }, () => []);
  const count = within ? within.length : labels.length;
  for (let i = 0; i < count; i++) {
    const index = within ? within[i]! : i;
    const label = labels[index]!;
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new Error(`Label ${label} at index ${index} is not a class id in [0, ${numClasses}).`);
    }
    groups[label]!.push(index);
  }
  return groups;
}

/**
 * Draws a class-balanced labeled subset: `budget` example indices split as evenly as possible over
 * the classes, at random with `seed`.
 *
 * Each class gets ⌊budget / C⌋ examples; the remainder goes to classes picked at random (with the
 * seed); a class with too few examples gives all it has and its shortfall is spread over the
 * others. Within a class, examples are taken from a seeded shuffle that does not depend on the
 * budget, so for one seed a smaller budget's subset is contained in a larger one's (nested
 * subsets, as in the semi-supervised protocol of Oliver et al. 2018).
 *
 * @param labels class ids of the whole labeled pool.
 * @param budget how many labels to draw, or `'all'`.
 * @param options class count and seed.
 * @returns the drawn indices, ascending.
 * @throws when the budget is below the class count, above the pool size, or a class is empty.
 * @example const indices = stratifiedSample(trainLabels, 100, { numClasses: 10, seed: 0 }); // 10 per class
 */
export function stratifiedSample(
  labels: ArrayLike<number>,
  budget: LabelBudget,
  options: StratifiedSampleOptions,
): Int32Array {
  const { numClasses, seed } = options;
  const groups = groupByClass(labels, numClasses);
  const empty = groups.findIndex((group) => group.length === 0);
  if (empty >= 0) {
    throw new Error(
      `Class ${empty} has no labeled examples: a stratified subset needs every class in the pool.`,
    );
  }
  if (budget === 'all') return Int32Array.from(groups.flat()).sort();
  if (!Number.isInteger(budget) || budget < numClasses) {
    throw new Error(
      `A label budget of ${budget} cannot hold one label per class for ${numClasses} classes: ` +
        `use a budget of at least ${numClasses}, or 'all'.`,
    );
  }
  if (budget > labels.length) {
    throw new Error(
      `A label budget of ${budget} exceeds the ${labels.length} labeled examples: use at most ${labels.length}, or 'all'.`,
    );
  }
  const quotas = groups.map(() => Math.floor(budget / numClasses));
  const classOrder = new SeededRandom(deriveSeed(seed, REMAINDER_PURPOSE)).permutation(numClasses);
  let remainder = budget - quotas[0]! * numClasses;
  for (let i = 0; remainder > 0; i++, remainder--) quotas[classOrder[i]!]! += 1;
  // Move the quota a class cannot fill to the others, in the same seeded class order.
  let shortfall = 0;
  groups.forEach((group, label) => {
    const missing = quotas[label]! - group.length;
    if (missing > 0) {
      shortfall += missing;
      quotas[label] = group.length;
    }
  });
  while (shortfall > 0) {
    for (const label of classOrder) {
      if (shortfall > 0 && quotas[label]! < groups[label]!.length) {
        quotas[label]! += 1;
        shortfall -= 1;
      }
    }
  }
  const picked: number[] = [];
  groups.forEach((group, label) => {
    const shuffled = new SeededRandom(deriveSeed(seed, CLASS_ORDER_PURPOSE, label)).shuffle([
      ...group,
    ]);
    picked.push(...shuffled.slice(0, quotas[label]));
  });
  return Int32Array.from(picked).sort();
}

/** Options of {@link stratifiedSplit}. */
export type StratifiedSplitOptions = {
  /** Number of classes. */
  readonly numClasses: number;
  /** Fraction of each class held out. @default 0.2 */
  readonly fraction?: number;
  /** Below this many labels in any class, nothing is held out (`validation` is `null`). @default 5 */
  readonly minPerClass?: number;
  /** The seed that fixes which examples are held out. */
  readonly seed: number;
};

/** A training/validation partition of example indices. */
export type IndexSplit = {
  /** Indices kept for training, ascending. */
  readonly train: Int32Array;
  /** Indices held out for validation (ascending), or `null` when the subset is too small to split. */
  readonly validation: Int32Array | null;
};

/**
 * Holds out a stratified validation part of a labeled subset: max(1, round(fraction · nᶜ)) examples
 * of each class c. When any class has fewer than `minPerClass` labels nothing is held out, so tiny
 * budgets train on every label for a fixed number of epochs instead of early stopping on a
 * validation set too small to mean anything.
 *
 * @param labels class ids of the whole pool.
 * @param indices the subset to split (indices into `labels`).
 * @param options class count, fraction, threshold and seed.
 * @returns the split.
 * @example const { train, validation } = stratifiedSplit(labels, subset, { numClasses: 10, seed: 0 });
 */
export function stratifiedSplit(
  labels: ArrayLike<number>,
  indices: ArrayLike<number>,
  options: StratifiedSplitOptions,
): IndexSplit {
  const { numClasses, fraction = 0.2, minPerClass = 5, seed } = options;
  if (!(fraction > 0 && fraction < 1))
    throw new Error(`The validation fraction must be in (0, 1), got ${fraction}.`);
  const groups = groupByClass(labels, numClasses, indices);
  const present = groups.filter((group) => group.length > 0);
  if (present.some((group) => group.length < Math.max(minPerClass, 2))) {
    return { train: Int32Array.from(indices).sort(), validation: null };
  }
  const train: number[] = [];
  const validation: number[] = [];
  groups.forEach((group, label) => {
    if (group.length === 0) return;
    const shuffled = new SeededRandom(deriveSeed(seed, SPLIT_PURPOSE, label)).shuffle([...group]);
    const held = Math.min(group.length - 1, Math.max(1, Math.round(fraction * group.length)));
    validation.push(...shuffled.slice(0, held));
    train.push(...shuffled.slice(held));
  });
  return { train: Int32Array.from(train).sort(), validation: Int32Array.from(validation).sort() };
}

/**
 * Holds out a random fraction of `count` examples (regression, where there are no classes).
 *
 * @param count number of examples.
 * @param fraction fraction held out (at least one example, at most `count − 1`).
 * @param seed the seed.
 * @returns the split.
 * @example randomSplit(100, 0.2, 0).validation?.length; // 20
 */
export function randomSplit(count: number, fraction: number, seed: number): IndexSplit {
  if (count < 2)
    return { train: Int32Array.from({ length: count }, (_, i) => i), validation: null };
  const order = new SeededRandom(deriveSeed(seed, SPLIT_PURPOSE)).permutation(count);
  const held = Math.min(count - 1, Math.max(1, Math.round(fraction * count)));
  return { train: order.slice(held).sort(), validation: order.slice(0, held).sort() };
}
