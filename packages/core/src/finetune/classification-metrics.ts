/** Precision, recall, F1 and support of one class. */
export type ClassMetrics = {
  /** The class id. */
  readonly classId: number;
  /** Of the examples predicted as this class, the fraction that are (0 when none is predicted). */
  readonly precision: number;
  /** Of the examples of this class, the fraction predicted as it (0 when it has none). */
  readonly recall: number;
  /** Harmonic mean of precision and recall (0 when both are 0). */
  readonly f1: number;
  /** Number of examples of this class. */
  readonly support: number;
};

/** Top-k accuracy for one k. */
export type TopKAccuracy = {
  readonly k: number;
  readonly accuracy: number;
};

/** Classification quality of a set of predictions: plain JSON data. */
export type ClassificationReport = {
  readonly task: 'classification';
  /** Number of examples evaluated. */
  readonly count: number;
  /** Fraction of exact predictions. */
  readonly accuracy: number;
  /** Unweighted mean F1 over the classes that occur (in the labels or the predictions). */
  readonly macroF1: number;
  /** Unweighted mean precision over the same classes. */
  readonly macroPrecision: number;
  /** Unweighted mean recall over the same classes. */
  readonly macroRecall: number;
  /** Per-class metrics, indexed by class id. */
  readonly perClass: readonly ClassMetrics[];
  /** `confusionMatrix[true][predicted]`: rows are true classes, columns predicted classes. */
  readonly confusionMatrix: readonly (readonly number[])[];
  /** Top-k accuracies, when probabilities and `topK` were given. */
  readonly topKAccuracy?: readonly TopKAccuracy[];
};

/** Inputs of {@link classificationMetrics}. */
export type ClassificationMetricsInput = {
  /** True class ids, one per example. */
  readonly labels: ArrayLike<number>;
  /** Predicted class ids, one per example. */
  readonly predictions: ArrayLike<number>;
  /** Number of classes. */
  readonly numClasses: number;
  /** Row-major `[N, numClasses]` scores, needed for top-k accuracy. */
  readonly probabilities?: ArrayLike<number>;
  /** The k values of top-k accuracy (each in `[1, numClasses]`). */
  readonly topK?: readonly number[];
};

/**
 * Accuracy, per-class precision/recall/F1/support, macro averages, confusion matrix and optional
 * top-k accuracy of class predictions.
 *
 * Conventions (as scikit-learn's with `zero_division=0`): precision is 0 for a class never predicted,
 * recall is 0 for a class with no examples, and the macro averages run over the classes that occur
 * in the labels or in the predictions. Top-k counts an example as correct when fewer than k classes
 * score above its true class (ties broken towards the lower class id, as `tf.topk`).
 *
 * @param input labels, predictions, class count, optional scores and k values.
 * @returns the report (JSON-serialisable).
 * @example classificationMetrics({ labels: [0, 1, 1], predictions: [0, 1, 0], numClasses: 2 }).accuracy; // 2/3
 */
export function classificationMetrics(input: ClassificationMetricsInput): ClassificationReport {
  const { labels, predictions, numClasses, probabilities, topK } = input;
  const count = labels.length;
  if (predictions.length !== count) {
    throw new Error(
      `Got ${count} labels but ${predictions.length} predictions: pass one prediction per label.`,
    );
  }
  if (count === 0) throw new Error('Cannot compute metrics of an empty set.');
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  let correct = 0;
  for (let i = 0; i < count; i++) {
    const label = labels[i]!;
    const predicted = predictions[i]!;
    for (const [name, value] of [
      ['label', label],
      ['prediction', predicted],
    ] as const) {
      if (!Number.isInteger(value) || value < 0 || value >= numClasses) {
        throw new Error(
          `The ${name} at index ${i} is ${value}, not a class id in [0, ${numClasses}).`,
        );
      }
    }
    confusion[label]![predicted]! += 1;
    if (label === predicted) correct += 1;
  }
  const perClass: ClassMetrics[] = [];
  const occurring: ClassMetrics[] = [];
  for (let c = 0; c < numClasses; c++) {
    const truePositives = confusion[c]![c]!;
    const support = confusion[c]!.reduce((sum, value) => sum + value, 0);
    const predictedCount = confusion.reduce((sum, row) => sum + row[c]!, 0);
    const precision = predictedCount === 0 ? 0 : truePositives / predictedCount;
    const recall = support === 0 ? 0 : truePositives / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    const metrics = { classId: c, precision, recall, f1, support };
    perClass.push(metrics);
    if (support > 0 || predictedCount > 0) occurring.push(metrics);
  }
  const mean = (key: 'precision' | 'recall' | 'f1'): number =>
    occurring.reduce((sum, metrics) => sum + metrics[key], 0) / occurring.length;
  const report: ClassificationReport = {
    task: 'classification',
    count,
    accuracy: correct / count,
    macroF1: mean('f1'),
    macroPrecision: mean('precision'),
    macroRecall: mean('recall'),
    perClass,
    confusionMatrix: confusion,
  };
  if (topK === undefined || topK.length === 0) return report;
  if (probabilities === undefined || probabilities.length !== count * numClasses) {
    throw new Error(
      `Top-k accuracy needs [N, numClasses] = ${count * numClasses} probabilities, got ${probabilities?.length ?? 0}.`,
    );
  }
  const ranks = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = labels[i]!;
    const trueScore = probabilities[i * numClasses + label]!;
    let rank = 0;
    for (let c = 0; c < numClasses; c++) {
      const score = probabilities[i * numClasses + c]!;
      if (score > trueScore || (score === trueScore && c < label)) rank += 1;
    }
    ranks[i] = rank;
  }
  const topKAccuracy = topK.map((k) => {
    if (!Number.isInteger(k) || k < 1 || k > numClasses) {
      throw new Error(`Top-k accuracy needs each k in [1, ${numClasses}], got ${k}.`);
    }
    return { k, accuracy: ranks.reduce((sum, rank) => sum + (rank < k ? 1 : 0), 0) / count };
  });
  return { ...report, topKAccuracy };
}
