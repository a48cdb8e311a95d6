/**
 * Label-free scores of a clustering against true classes: normalized mutual information (NMI,
 * arithmetic-mean normalisation as scikit-learn's default; Strehl & Ghosh 2002) and the adjusted
 * Rand index (ARI, Hubert & Arabie 1985). Both are 1 for a perfect match (up to renaming the
 * clusters); ARI is ~0 for a random clustering, NMI is ≥ 0.
 *
 * @param classes the true class of each example.
 * @param clusters the cluster of each example (same length).
 * @returns `{ nmi, ari }`.
 * @example clusteringScores([0, 0, 1, 1], [1, 1, 0, 0]); // { nmi: 1, ari: 1 }
 */
export function clusteringScores(
  classes: ArrayLike<number>,
  clusters: ArrayLike<number>,
): { readonly nmi: number; readonly ari: number } {
  const table = contingencyTable(classes, clusters);
  return { nmi: normalizedMutualInformation(table), ari: adjustedRandIndex(table) };
}

type Contingency = {
  readonly counts: Map<string, number>;
  readonly rowSums: Map<number, number>;
  readonly columnSums: Map<number, number>;
  readonly total: number;
};

function contingencyTable(classes: ArrayLike<number>, clusters: ArrayLike<number>): Contingency {
  if (classes.length !== clusters.length) {
    throw new Error(
      `clusteringScores: ${classes.length} classes but ${clusters.length} cluster ids; pass one of each per example.`,
    );
  }
  if (classes.length === 0) throw new Error('clusteringScores: pass at least one example.');
  const counts = new Map<string, number>();
  const rowSums = new Map<number, number>();
  const columnSums = new Map<number, number>();
  for (let index = 0; index < classes.length; index++) {
    const row = classes[index]!;
    const column = clusters[index]!;
    const key = `${row},${column}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    rowSums.set(row, (rowSums.get(row) ?? 0) + 1);
    columnSums.set(column, (columnSums.get(column) ?? 0) + 1);
  }
  return { counts, rowSums, columnSums, total: classes.length };
}

function entropy(sums: Map<number, number>, total: number): number {
  let value = 0;
  for (const count of sums.values()) value -= (count / total) * Math.log(count / total);
  return value;
}

function normalizedMutualInformation(table: Contingency): number {
  const { counts, rowSums, columnSums, total } = table;
  const classEntropy = entropy(rowSums, total);
  const clusterEntropy = entropy(columnSums, total);
  // Two single-label partitions are identical (scikit-learn returns 1 as well).
  if (classEntropy === 0 && clusterEntropy === 0) return 1;
  let mutual = 0;
  for (const [key, count] of counts) {
    const [row, column] = key.split(',').map(Number) as [number, number];
    mutual +=
      (count / total) * Math.log((count * total) / (rowSums.get(row)! * columnSums.get(column)!));
  }
  const normaliser = (classEntropy + clusterEntropy) / 2;
  return normaliser === 0 ? 0 : Math.max(0, Math.min(1, mutual / normaliser));
}

function pairs(count: number): number {
  return (count * (count - 1)) / 2;
}

function adjustedRandIndex(table: Contingency): number {
  const { counts, rowSums, columnSums, total } = table;
  let index = 0;
  for (const count of counts.values()) index += pairs(count);
  let rowPairs = 0;
  for (const count of rowSums.values()) rowPairs += pairs(count);
  let columnPairs = 0;
  for (const count of columnSums.values()) columnPairs += pairs(count);
  const expected = (rowPairs * columnPairs) / pairs(total);
  const maximum = (rowPairs + columnPairs) / 2;
  // Both partitions trivial (all one cluster, or all singletons): identical, as scikit-learn says.
  if (maximum === expected) return 1;
  return (index - expected) / (maximum - expected);
}

/**
 * Names each cluster after the majority class of its labeled members (cluster-then-label): the
 * unsupervised clustering becomes a classifier with as few labels as there are clusters. A
 * cluster with no labeled member takes the most frequent labeled class.
 *
 * @param clusters the cluster of each labeled example.
 * @param labels the class of each labeled example.
 * @param clusterCount number of clusters K.
 * @returns the class of each cluster (length K).
 * @example majorityLabels([0, 0, 1], [3, 3, 5], 2); // Int32Array [3, 5]
 */
export function majorityLabels(
  clusters: ArrayLike<number>,
  labels: ArrayLike<number>,
  clusterCount: number,
): Int32Array {
  if (clusters.length !== labels.length || labels.length === 0) {
    throw new Error(
      `majorityLabels: pass one cluster id per labeled example (${clusters.length} clusters, ${labels.length} labels, need ≥ 1).`,
    );
  }
  const votes = new Map<number, Map<number, number>>();
  const overall = new Map<number, number>();
  for (let index = 0; index < labels.length; index++) {
    const cluster = clusters[index]!;
    const label = labels[index]!;
    const tally = votes.get(cluster) ?? new Map<number, number>();
    tally.set(label, (tally.get(label) ?? 0) + 1);
    votes.set(cluster, tally);
    overall.set(label, (overall.get(label) ?? 0) + 1);
  }
  const fallback = argmaxSmallestKey(overall);
  return Int32Array.from({ length: clusterCount }, (_, cluster) => {
    const tally = votes.get(cluster);
    return tally === undefined ? fallback : argmaxSmallestKey(tally);
  });
}

/** The key with the largest count (ties: the smallest key, so the result is deterministic). */
function argmaxSmallestKey(tally: Map<number, number>): number {
  let best = Number.POSITIVE_INFINITY;
  let bestCount = -1;
  for (const [key, count] of tally) {
    if (count > bestCount || (count === bestCount && key < best)) {
      best = key;
      bestCount = count;
    }
  }
  return best;
}
