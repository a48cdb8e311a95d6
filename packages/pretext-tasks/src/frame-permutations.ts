/**
 * The classes of a frame-order task over `length` frames: every permutation, with a permutation
 * and its reverse in the same class (a clip played backwards is still in order: Lee et al. 2017,
 * "Unsupervised Representation Learning by Sorting Sequences"), so there are `length! / 2`
 * classes. Class `c` is represented by the permutation whose first element is smaller than its
 * last; class 0 is the identity.
 *
 * @param length frames per tuple (2–6).
 * @returns the representative permutation of each class, identity first.
 * @example framePermutationClasses(3); // [[0, 1, 2], [0, 2, 1], [1, 0, 2]]
 */
export function framePermutationClasses(length: number): number[][] {
  if (!Number.isInteger(length) || length < 2 || length > 6) {
    throw new RangeError(
      `Frame-order tuples have 2 to 6 frames (6! / 2 = 360 classes), got ${length}.`,
    );
  }
  const classes: number[][] = [];
  const permute = (prefix: number[], rest: number[]): void => {
    if (rest.length === 0) {
      if (prefix[0]! < prefix[prefix.length - 1]!) classes.push(prefix);
      return;
    }
    rest.forEach((value, index) => {
      permute([...prefix, value], [...rest.slice(0, index), ...rest.slice(index + 1)]);
    });
  };
  permute(
    [],
    Array.from({ length }, (_, i) => i),
  );
  return classes;
}

/**
 * The class of any permutation (or its reverse) among {@link framePermutationClasses}.
 *
 * @param permutation a permutation of 0..n−1.
 * @param classes the classes of that length.
 * @returns the class index.
 * @example framePermutationClass([2, 1, 0], framePermutationClasses(3)); // 0 (reverse of the identity)
 */
export function framePermutationClass(
  permutation: readonly number[],
  classes: readonly (readonly number[])[],
): number {
  const forward = permutation.join(',');
  const backward = [...permutation].reverse().join(',');
  const index = classes.findIndex((candidate) => {
    const key = candidate.join(',');
    return key === forward || key === backward;
  });
  if (index < 0) {
    throw new Error(
      `[${permutation.join(', ')}] is not a permutation of 0..${(classes[0]?.length ?? 1) - 1}.`,
    );
  }
  return index;
}
